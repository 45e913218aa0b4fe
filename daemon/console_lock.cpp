#include "daemon/console_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace distsync {
namespace {

std::string read_pid(int fd) {
  char buf[32] = {};
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? "unknown" : pid;
}

}  // namespace

Result<std::unique_ptr<ConsoleLock>> ConsoleLock::acquire(const std::string& run_dir,
                                                          const std::string& console_id,
                                                          const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(run_dir, ec);
  if (ec) return Status::io_error("cannot create run dir " + run_dir + ": " + ec.message());
  chmod(run_dir.c_str(), 0750);
  std::string path = run_dir + "/" + console_id + ".lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return Status::io_error("cannot open lock file " + path + ": " + strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    std::string pid = read_pid(fd);
    close(fd);
    if (err == EWOULDBLOCK) {
      return Status::unavailable("console '" + console_id + "' is already running on data dir " +
                                 data_dir + " (pid " + pid + ")");
    }
    return Status::io_error("cannot lock " + path + ": " + strerror(err));
  }
  std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 ||
      pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    int err = errno;
    close(fd);
    return Status::io_error("cannot write pid to " + path + ": " + strerror(err));
  }
  return std::unique_ptr<ConsoleLock>(new ConsoleLock(fd, std::move(path)));
}

ConsoleLock::~ConsoleLock() {
  // The file stays: unlinking it would let a racing daemon lock a different inode.
  close(fd_);
}

}  // namespace distsync
