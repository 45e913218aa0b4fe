#include "events/status.h"

#include <cstdio>
#include <cstdlib>

namespace distsync {

std::string_view Status::code_name(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kNotFound: return "not_found";
    case Code::kConflict: return "conflict";
    case Code::kCorruption: return "corruption";
    case Code::kIOError: return "io_error";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kUnavailable: return "unavailable";
    case Code::kPermissionDenied: return "permission_denied";
  }
  return "corruption";
}

Status::Code Status::code_from_name(std::string_view name) {
  for (Code c : {Code::kOk, Code::kNotFound, Code::kConflict, Code::kCorruption, Code::kIOError,
                 Code::kInvalidArgument, Code::kUnavailable, Code::kPermissionDenied}) {
    if (code_name(c) == name) return c;
  }
  return Code::kCorruption;
}

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  std::string out(code_name(code_));
  out += ": ";
  out += message_;
  return out;
}

void check_failed(const char* file, int line, const char* expr) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, expr);
  std::abort();
}

}  // namespace distsync
