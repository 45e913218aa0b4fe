#include "daemon/sync/live_progress.h"

#include <algorithm>

namespace distsync {

void LiveProgress::written(const std::string& job, std::uint64_t dispatch, std::uint64_t bytes) {
  MutexLock lock(&mu_);
  Batch& b = batches_[dispatch];
  b.job = job;
  b.bytes = std::max(b.bytes, bytes);
}

void LiveProgress::ended(std::uint64_t dispatch) {
  MutexLock lock(&mu_);
  batches_.erase(dispatch);
}

void LiveProgress::clear() {
  MutexLock lock(&mu_);
  batches_.clear();
}

std::uint64_t LiveProgress::in_flight(const std::string& job) const {
  MutexLock lock(&mu_);
  std::uint64_t sum = 0;
  for (const auto& [dispatch, b] : batches_) {
    if (b.job == job) sum += b.bytes;
  }
  return sum;
}

}  // namespace distsync
