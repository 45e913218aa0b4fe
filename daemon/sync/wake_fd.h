// WakeFd: an eventfd one thread signals and another polls beside its ZeroMQ sockets.
// Internal to distsync_sync. signal() is thread-safe and async-signal-safe.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace distsync {

class WakeFd {
 public:
  WakeFd() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~WakeFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  WakeFd(const WakeFd&) = delete;
  WakeFd& operator=(const WakeFd&) = delete;

  bool valid() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void signal() const {
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(fd_, &one, sizeof one);
  }
  void drain() const {
    std::uint64_t value = 0;
    [[maybe_unused]] ssize_t n = ::read(fd_, &value, sizeof value);
  }

 private:
  int fd_;
};

}  // namespace distsync
