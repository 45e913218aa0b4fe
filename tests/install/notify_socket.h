// NotifySocket: the service manager's end of sd_notify(3) for tests: a datagram socket bound
// to a fresh path that a child daemon gets as $NOTIFY_SOCKET.
//
// next() returns the next message ("READY=1\nSTATUS=...") or nullopt when none arrives before
// the timeout; pending() reads one without waiting. One reader thread; the path is removed on
// destruction.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace distsync::testing {

class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    if (fd_ < 0 || path.size() >= sizeof addr.sun_path) std::abort();
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    if (bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) std::abort();
  }
  ~NotifySocket() {
    close(fd_);
    unlink(path_.c_str());
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // "NOTIFY_SOCKET=<path>" for the child's environment.
  std::string env() const { return "NOTIFY_SOCKET=" + path_; }

  std::optional<std::string> next(std::chrono::milliseconds timeout) {
    pollfd p = {fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    return pending();
  }

  std::optional<std::string> pending() {
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
  }

  // The next message that contains `field` ("READY=1"), skipping others, or nullopt.
  std::optional<std::string> next_with(const std::string& field,
                                       std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto msg = next(left);
      if (!msg) return std::nullopt;
      if (has_field(*msg, field)) return msg;
    }
  }

  // True when `message` has the line `field` (sd_notify messages are newline-separated).
  static bool has_field(const std::string& message, const std::string& field) {
    std::string framed = "\n" + message + "\n";
    return framed.find("\n" + field + "\n") != std::string::npos;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace distsync::testing
