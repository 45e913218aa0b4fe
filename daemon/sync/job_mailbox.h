// JobMailbox: the one way into a job thread. Internal to distsync_sync.
//
// A closed set of messages (a batch of copy outcomes, cancel, stop, a clock jump) and one wait with
// a deadline. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "daemon/sync/copy_dispatcher.h"

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
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(m));
    }
    cv_.notify_all();
  }
  // The next message, or nullopt once `timeout` passed without one.
  std::optional<JobMessage> wait(std::chrono::microseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return !queue_.empty(); })) return std::nullopt;
    JobMessage m = std::move(queue_.front());
    queue_.pop_front();
    return m;
  }
  std::optional<JobMessage> try_take() { return wait(std::chrono::microseconds(0)); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<JobMessage> queue_;  // GUARDED_BY(mu_)
};

}  // namespace distsync
