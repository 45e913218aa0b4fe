#include "daemon/content/open_beneath.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace distsync {
namespace {

// The first prefix of `rel` that is a symlink, for the message; `rel` itself if none is
// found (the tree changed meanwhile).
std::string symlink_prefix(int root_fd, std::string_view rel) {
  std::size_t end = 0;
  while (end != std::string_view::npos) {
    end = rel.find('/', end + 1);
    std::string prefix(rel.substr(0, end));
    struct stat st {};
    if (::fstatat(root_fd, prefix.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) break;
    if (S_ISLNK(st.st_mode)) return prefix;
  }
  return std::string(rel);
}

Status refusal(int root_fd, std::string_view rel, SymlinkPolicy policy, int err) {
  if (err == ENOENT) return Status::not_found(std::string(rel) + " does not exist");
  if (policy == SymlinkPolicy::kRefuse && (err == ELOOP || err == EXDEV || err == ENOTDIR)) {
    std::string link = symlink_prefix(root_fd, rel);
    struct stat st {};
    bool is_link =
        ::fstatat(root_fd, link.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
    if (is_link || err != ENOTDIR) return Status::invalid_argument("symlink " + link);
  }
  if (policy == SymlinkPolicy::kBeneath && (err == ELOOP || err == EXDEV)) {
    return Status::invalid_argument(std::string(rel) + " leads outside the root");
  }
  return Status::io_error("cannot open " + std::string(rel) + ": " + std::strerror(err));
}

std::string fd_path(int fd) {
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  char buf[4097];
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  return n <= 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

Result<UniqueFd> open_beneath(int root_fd, std::string_view rel, int flags, SymlinkPolicy policy) {
  struct open_how how {};
  how.flags = static_cast<std::uint64_t>(flags | O_CLOEXEC | O_NOCTTY);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  if (policy == SymlinkPolicy::kRefuse) how.resolve |= RESOLVE_NO_SYMLINKS;
  std::string path(rel);
  for (;;) {
    long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    if (errno == EINTR || errno == EAGAIN) continue;  // EAGAIN: a rename raced the lookup
    if (errno == ENOSYS) return open_beneath_walk(root_fd, rel, flags, policy);
    return refusal(root_fd, rel, policy, errno);
  }
}

Result<UniqueFd> open_beneath_walk(int root_fd, std::string_view rel, int flags,
                                   SymlinkPolicy policy) {
  flags |= O_CLOEXEC | O_NOCTTY;
  if (policy == SymlinkPolicy::kBeneath) {
    std::string root = fd_path(root_fd);
    if (root.empty()) return Status::io_error("cannot resolve the root of " + std::string(rel));
    UniqueFd fd(::openat(root_fd, std::string(rel).c_str(), flags));
    if (fd.get() < 0) return refusal(root_fd, rel, policy, errno);
    // Checked on the opened descriptor, so no swap after the check can change the answer.
    std::string got = fd_path(fd.get());
    if (got.empty() || !(root == "/" || got.starts_with(root + "/"))) {
      return Status::invalid_argument(std::string(rel) + " leads outside the root");
    }
    return fd;
  }
  UniqueFd dir;
  int at = root_fd;
  std::size_t start = 0;
  for (;;) {
    std::size_t slash = rel.find('/', start);
    bool last = slash == std::string_view::npos;
    std::string name(rel.substr(start, last ? std::string_view::npos : slash - start));
    int f = last ? flags | O_NOFOLLOW : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    UniqueFd next(::openat(at, name.c_str(), f));
    if (next.get() < 0) return refusal(root_fd, rel, policy, errno);
    if (last) return next;
    dir = std::move(next);
    at = dir.get();
    start = slash + 1;
  }
}

}  // namespace distsync
