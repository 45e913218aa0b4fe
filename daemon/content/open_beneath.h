// open_beneath: opens a file or folder by a relative path under an open root folder without
// ever leaving it, whatever symlinks, "..", or renames an attacker plants on the way.
//
// It uses openat2(2) with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS (Linux 5.6+), so the check
// and the open are one step and a symlink swapped in after a listing cannot redirect it
// (no time-of-check/time-of-use window). Where the kernel lacks openat2 (ENOSYS) it falls back
// to open_beneath_walk: one openat(O_NOFOLLOW) per component. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "events/result.h"

namespace distsync {

enum class SymlinkPolicy {
  // Any symlink on the way, even one pointing inside the root, is refused. Download sources.
  kRefuse,
  // Relative symlinks that stay beneath the root are followed; others are refused.
  kBeneath,
};

// An owned file descriptor; closes on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();

  int get() const { return fd_; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

// Opens `rel` (REQUIRES: check_content_path(rel).is_ok()) beneath the folder `root_fd` with
// open(2) `flags` (O_CLOEXEC and O_NOCTTY are added). Errors: not_found when a component does
// not exist; invalid_argument "symlink <prefix of rel>" (kRefuse) or "<rel> leads outside
// the root" (kBeneath) when the path would follow a symlink it may not; io_error otherwise.
Result<UniqueFd> open_beneath(int root_fd, std::string_view rel, int flags, SymlinkPolicy policy);

// The fallback, public so tests run the same cases through it: each folder component is
// opened with O_DIRECTORY | O_NOFOLLOW, the last with O_NOFOLLOW. For kBeneath it opens the
// path with openat and then checks, on the opened descriptor, that it lies beneath the root.
Result<UniqueFd> open_beneath_walk(int root_fd, std::string_view rel, int flags,
                                   SymlinkPolicy policy);

}  // namespace distsync
