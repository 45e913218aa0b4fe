#include "daemon/sync/sync_clock.h"

#include <chrono>
#include <vector>

namespace distsync {

std::int64_t SystemClock::now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t ManualClock::now_us() {
  MutexLock lock(&mu_);
  return now_;
}

int ManualClock::add_listener(std::function<void()> fn) {
  MutexLock lock(&mu_);
  int token = next_token_++;
  listeners_[token] = std::move(fn);
  return token;
}

void ManualClock::remove_listener(int token) {
  MutexLock lock(&mu_);
  listeners_.erase(token);
}

void ManualClock::advance(std::int64_t delta_us) {
  std::vector<std::function<void()>> to_call;
  {
    MutexLock lock(&mu_);
    now_ += delta_us;
    for (const auto& [token, fn] : listeners_) to_call.push_back(fn);
  }
  for (auto& fn : to_call) fn();
}

}  // namespace distsync
