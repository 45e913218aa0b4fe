// Result<T>: a T, or the Status saying why there is none.
//
// Access value() only after checking ok(); doing otherwise is a broken invariant and aborts.
// Thread-compatible value type.
#pragma once

#include <optional>
#include <utility>

#include "events/status.h"

namespace distsync {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    DISTSYNC_CHECK(!status_.is_ok());
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    DISTSYNC_CHECK(ok());
    return *value_;
  }
  const T& value() const& {
    DISTSYNC_CHECK(ok());
    return *value_;
  }
  T&& value() && {
    DISTSYNC_CHECK(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace distsync
