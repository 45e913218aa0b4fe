#include "daemon/stop_signal.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

namespace distsync {
namespace {

std::atomic<int> g_write_fd{-1};

void on_signal(int) {
  int saved = errno;
  int fd = g_write_fd.load();
  if (fd >= 0) {
    char b = 1;
    (void)!write(fd, &b, 1);  // a full pipe is already readable
  }
  errno = saved;
}

}  // namespace

Result<std::unique_ptr<StopSignal>> StopSignal::install() {
  DISTSYNC_CHECK(g_write_fd.load() < 0);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return Status::io_error(std::string("cannot create stop pipe: ") + strerror(errno));
  }
  g_write_fd.store(fds[1]);
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return std::unique_ptr<StopSignal>(new StopSignal(fds[0], fds[1]));
}

StopSignal::~StopSignal() {
  struct sigaction sa = {};
  sa.sa_handler = SIG_DFL;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  g_write_fd.store(-1);
  close(write_fd_);
  close(read_fd_);
}

void StopSignal::notify() { on_signal(0); }

}  // namespace distsync
