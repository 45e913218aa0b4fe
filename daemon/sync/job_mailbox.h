// JobMailbox: the one way into a job thread. Internal to distsync_sync.
//
// A closed set of messages (a batch of copy outcomes, cancel, stop, a clock jump) and one wait with
// a deadline. Thread-safe.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "daemon/sync/copy_dispatcher.h"
#include "events/mutex.h"

namespace distsync {

struct CancelJobMsg {
  std::string reason;
};
struct StopJobMsg {};
struct ClockJumpedMsg {};
// The outcomes of one dispatched batch, together.
using CopyOutcomes = std::vector<CopyOutcome>;
using JobMessage = std::variant<CopyOutcomes, CancelJobMsg, StopJobMsg, ClockJumpedMsg>;

class JobMailbox {
 public:
  void post(JobMessage m) {
    {
      MutexLock lock(&mu_);
      queue_.push_back(std::move(m));
    }
    cv_.notify_all();
  }
  // The next message, or nullopt once `timeout` passed without one.
  std::optional<JobMessage> wait(std::chrono::microseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    MutexLock lock(&mu_);
    while (queue_.empty() && cv_.wait_until(&mu_, deadline)) {
    }
    if (queue_.empty()) return std::nullopt;
    JobMessage m = std::move(queue_.front());
    queue_.pop_front();
    return m;
  }
  std::optional<JobMessage> try_take() { return wait(std::chrono::microseconds(0)); }

 private:
  Mutex mu_;
  CondVar cv_;
  std::deque<JobMessage> queue_ GUARDED_BY(mu_);
};

}  // namespace distsync
