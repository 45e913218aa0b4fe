// Status: the outcome of an operation that can fail in an expected way.
//
// A Status is ok, or carries one code from a closed set plus a one-line message that names
// the cause (and, where it helps, the fix). Codes exist only where a caller branches on
// them. A broken invariant is not a Status: it aborts (see DISTSYNC_CHECK).
// Status is a value type; copies are independent. Thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace distsync {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,
    kConflict,
    kCorruption,
    kIOError,
    kInvalidArgument,
    kUnavailable,
    kPermissionDenied,  // the caller's role may not do this (docs/protocol.md)
  };

  Status() = default;
  static Status ok() { return Status(); }
  static Status not_found(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status conflict(std::string msg) { return Status(Code::kConflict, std::move(msg)); }
  static Status corruption(std::string msg) { return Status(Code::kCorruption, std::move(msg)); }
  static Status io_error(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  static Status invalid_argument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status permission_denied(std::string msg) {
    return Status(Code::kPermissionDenied, std::move(msg));
  }

  bool is_ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "conflict: expected last sequence 4, log is at 7"
  std::string to_string() const;
  // Stable lower-case name of the code, used on the wire: "ok", "not_found", ...
  static std::string_view code_name(Code code);
  // Inverse of code_name; unknown names map to kCorruption.
  static Code code_from_name(std::string_view name);

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// Aborts with file and line when an invariant is broken. Not for input validation.
[[noreturn]] void check_failed(const char* file, int line, const char* expr);
#define DISTSYNC_CHECK(cond) \
  ((cond) ? (void)0 : ::distsync::check_failed(__FILE__, __LINE__, #cond))

}  // namespace distsync
