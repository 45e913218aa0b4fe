// Preflight of a target root before anything is copied to it (requirement R7): the folder
// is reachable (exists, or can be created, and is a directory), distsyncd's account can
// list it and write to it (a probe file is really created and removed), and it has at least
// the required free space.
//
// Every failure carries a message an operator can act on, naming the folder, the uid and
// the fix. Thread-safe; the probe file has a unique temp name (removed by
// remove_stale_temps should a crash leave it behind).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/status.h"

namespace distsync {

enum class PreflightFailure {
  kNone,
  kUnreachable,  // does not exist and cannot be created, or cannot be looked up
  kNotADirectory,
  kNotReadable,
  kNotWritable,
  kNoSpace,
};

// "none", "unreachable", "not_a_directory", "not_readable", "not_writable", "no_space".
std::string_view preflight_failure_name(PreflightFailure failure);

struct PreflightOptions {
  std::uint64_t min_free_bytes = 0;
  bool create = true;  // create a missing root (and its parents)
};

struct [[nodiscard]] PreflightReport {
  Status status;  // ok; unavailable (unreachable, no space); invalid_argument (not a
                  // directory); io_error (cannot read or write)
  PreflightFailure failure = PreflightFailure::kNone;
  std::uint64_t free_bytes = 0;  // available to unprivileged users, when it was measured
  bool ok() const { return status.is_ok(); }
};

PreflightReport preflight_target(const std::string& root, const PreflightOptions& options = {});

}  // namespace distsync
