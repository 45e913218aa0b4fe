// with_context: the same Status code with a message prefixed by what was being done.
// Internal to distsync_sync. Pure.
#pragma once

#include <string>

#include "events/status.h"

namespace distsync {

inline Status with_context(const Status& s, const std::string& prefix) {
  std::string msg = prefix + s.message();
  switch (s.code()) {
    case Status::Code::kOk:
      return s;
    case Status::Code::kNotFound:
      return Status::not_found(msg);
    case Status::Code::kConflict:
      return Status::conflict(msg);
    case Status::Code::kCorruption:
      return Status::corruption(msg);
    case Status::Code::kInvalidArgument:
      return Status::invalid_argument(msg);
    case Status::Code::kUnavailable:
      return Status::unavailable(msg);
    case Status::Code::kPermissionDenied:
      return Status::permission_denied(msg);
    default:
      return Status::io_error(msg);
  }
}

}  // namespace distsync
