// StopSignal: turns SIGTERM and SIGINT into a readable file descriptor (a self-pipe), so the
// control loop can poll it beside its sockets and shut down in order.
//
// One per process: install() sets the signal handlers; the handler only writes one byte.
// notify() requests a stop without a signal. fd() stays readable once stopped.
// Thread-safe (notify may be called from any thread or a signal handler).
#pragma once

#include <memory>

#include "events/result.h"

namespace distsync {

class StopSignal {
 public:
  // REQUIRES: no other StopSignal is alive in this process.
  static Result<std::unique_ptr<StopSignal>> install();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  int fd() const { return read_fd_; }
  void notify();

 private:
  StopSignal(int read_fd, int write_fd) : read_fd_(read_fd), write_fd_(write_fd) {}
  int read_fd_;
  int write_fd_;
};

}  // namespace distsync
