#include "daemon/content/preflight.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/content/durable_file.h"
#include "daemon/content/safe_path.h"

namespace distsync {
namespace {

std::string account() { return "uid " + std::to_string(::geteuid()); }

PreflightReport failed(PreflightFailure failure, Status status) {
  PreflightReport r;
  r.failure = failure;
  r.status = std::move(status);
  return r;
}

PreflightReport access_failure(const std::string& root, bool write, int err) {
  std::string what = write ? "writable" : "readable";
  std::string msg =
      "target " + root + " is not " + what + " by " + account() + ": " + std::strerror(err);
  if (err == EACCES || err == EPERM) {
    msg += std::string("; grant ") + (write ? "write" : "read") +
           " access or run distsyncd as a user that has it";
  } else if (err == EROFS) {
    msg += "; the share is mounted read-only, remount it read-write";
  } else if (err == ENOSPC || err == EDQUOT) {
    return failed(PreflightFailure::kNoSpace,
                  Status::unavailable("target " + root + " is full: " + std::strerror(err) +
                                      "; free space on it"));
  }
  return failed(write ? PreflightFailure::kNotWritable : PreflightFailure::kNotReadable,
                Status::io_error(msg));
}

}  // namespace

std::string_view preflight_failure_name(PreflightFailure failure) {
  switch (failure) {
    case PreflightFailure::kNone:
      return "none";
    case PreflightFailure::kUnreachable:
      return "unreachable";
    case PreflightFailure::kNotADirectory:
      return "not_a_directory";
    case PreflightFailure::kNotReadable:
      return "not_readable";
    case PreflightFailure::kNotWritable:
      return "not_writable";
    case PreflightFailure::kNoSpace:
      return "no_space";
  }
  return "unreachable";
}

PreflightReport preflight_target(const std::string& root, const PreflightOptions& options) {
  struct stat st;
  if (::stat(root.c_str(), &st) != 0) {
    int err = errno;
    if (err != ENOENT || !options.create) {
      return failed(
          PreflightFailure::kUnreachable,
          Status::unavailable("target " + root + " is not reachable: " + std::strerror(err) +
                              "; check the path and that the share is mounted"));
    }
    int mk_err = 0;
    Status made = make_dirs_durable(root, &mk_err);
    if (!made.is_ok()) {
      if (mk_err == EACCES || mk_err == EPERM) return access_failure(root, true, mk_err);
      return failed(PreflightFailure::kUnreachable,
                    Status::unavailable("target " + root + " does not exist and cannot be " +
                                        "created: " + made.message() +
                                        "; check the path and that the share is mounted"));
    }
    if (::stat(root.c_str(), &st) != 0) {
      return failed(PreflightFailure::kUnreachable,
                    Status::unavailable("target " + root + " vanished after being created"));
    }
  }
  if (!S_ISDIR(st.st_mode)) {
    return failed(PreflightFailure::kNotADirectory,
                  Status::invalid_argument("target " + root +
                                           " is not a directory; point the server at a folder"));
  }
  DIR* dir = ::opendir(root.c_str());
  if (dir == nullptr) return access_failure(root, false, errno);
  // One read proves the folder is listable; the plan's listing reads the rest (a re-sync
  // of a 20,000-file folder read it all here once more).
  errno = 0;
  (void)::readdir(dir);
  int read_err = errno;
  ::closedir(dir);
  if (read_err != 0) return access_failure(root, false, read_err);

  // Writing is proven only by writing: mode bits say nothing about ACLs, read-only mounts
  // or a share's server-side permissions.
  std::string probe = join_path(root, random_temp_name());
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return access_failure(root, true, errno);
  int write_err = 0;
  if (::write(fd, "x", 1) != 1 || ::fsync(fd) != 0) write_err = errno;
  ::close(fd);
  if (::unlink(probe.c_str()) != 0 && write_err == 0) write_err = errno;
  if (write_err != 0) return access_failure(root, true, write_err);

  struct statvfs vfs;
  if (::statvfs(root.c_str(), &vfs) != 0) {
    return failed(PreflightFailure::kUnreachable,
                  Status::unavailable("cannot measure free space on target " + root + ": " +
                                      std::strerror(errno)));
  }
  PreflightReport report;
  report.free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  if (report.free_bytes < options.min_free_bytes) {
    report.failure = PreflightFailure::kNoSpace;
    report.status = Status::unavailable(
        "target " + root + " has " + std::to_string(report.free_bytes) +
        " bytes free, the sync needs " + std::to_string(options.min_free_bytes) +
        "; free space on it or lower the content to copy");
  }
  return report;
}

}  // namespace distsync
