#include "daemon/content/durable_file.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>

#include "daemon/content/safe_path.h"

namespace distsync {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

std::string random_temp_name() {
  std::uint64_t bits = 0;
  if (::getrandom(&bits, sizeof bits, GRND_NONBLOCK) != static_cast<ssize_t>(sizeof bits)) {
    static thread_local std::mt19937_64 fallback{std::random_device{}()};
    bits = fallback();
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(bits));
  std::string out(kReservedPrefix);
  out.append(hex);
  out.append(kTempSuffix);
  return out;
}

std::string parent_dir(std::string_view path) {
  std::size_t slash = path.find_last_of('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

Status fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::io_error("cannot open directory " + dir + ": " + errno_text(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  // Some file systems (and SMB mounts) refuse fsync on directories; that is not a failure.
  if (rc != 0 && err != EINVAL && err != ENOTSUP) {
    return Status::io_error("cannot fsync directory " + dir + ": " + errno_text(err));
  }
  return Status::ok();
}

Status make_dirs_durable(const std::string& dir, int* first_errno) {
  if (first_errno != nullptr) *first_errno = 0;
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::ok();
    if (first_errno != nullptr) *first_errno = ENOTDIR;
    return Status::io_error(dir + " exists and is not a directory");
  }
  if (errno != ENOENT) {
    if (first_errno != nullptr) *first_errno = errno;
    return Status::io_error("cannot stat " + dir + ": " + errno_text(errno));
  }
  std::string parent = parent_dir(dir);
  if (parent != dir) {
    Status s = make_dirs_durable(parent, first_errno);
    if (!s.is_ok()) return s;
  }
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    if (first_errno != nullptr) *first_errno = errno;
    return Status::io_error("cannot create directory " + dir + ": " + errno_text(errno));
  }
  return fsync_dir(parent);
}

namespace {

Status write_replace(const std::string& path, std::string_view data, bool durable) {
  std::string dir = parent_dir(path);
  std::string temp = join_path(dir, random_temp_name());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::io_error("cannot create " + temp + ": " + errno_text(errno));
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return Status::io_error("cannot write " + temp + ": " + errno_text(err));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (durable && ::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return Status::io_error("cannot fsync " + temp + ": " + errno_text(err));
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return Status::io_error("cannot rename " + temp + " to " + path + ": " + errno_text(err));
  }
  return durable ? fsync_dir(dir) : Status::ok();
}

}  // namespace

Status write_file_atomic(const std::string& path, std::string_view data) {
  return write_replace(path, data, true);
}

Status write_file_replace(const std::string& path, std::string_view data) {
  return write_replace(path, data, false);
}

}  // namespace distsync
