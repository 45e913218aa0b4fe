#include "daemon/content/bandwidth_limiter.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace distsync {
namespace {

constexpr std::uint64_t kMinBurst = 64 * 1024;
constexpr std::int64_t kMaxSleepSliceNs = 50'000'000;  // how often a waiting copy sees cancel

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

BandwidthLimiter::BandwidthLimiter(std::uint64_t bytes_per_second, std::uint64_t burst_bytes)
    : rate_(bytes_per_second),
      burst_(static_cast<double>(burst_bytes != 0 ? burst_bytes
                                                  : std::max(kMinBurst, bytes_per_second / 10))),
      tokens_(burst_),
      last_ns_(-1) {}

void BandwidthLimiter::set_rate(std::uint64_t bytes_per_second) {
  MutexLock lock(&mu_);  // so that no reserve() refills at one rate and charges at another
  rate_.store(bytes_per_second, std::memory_order_relaxed);
}

std::int64_t BandwidthLimiter::reserve(std::uint64_t bytes, std::int64_t now_ns) {
  if (unlimited()) return 0;
  MutexLock lock(&mu_);
  const std::uint64_t rate = rate_.load(std::memory_order_relaxed);
  if (rate == 0) return 0;
  if (last_ns_ >= 0 && now_ns > last_ns_) {
    double refill = static_cast<double>(rate) * static_cast<double>(now_ns - last_ns_) / 1e9;
    tokens_ = std::min(burst_, tokens_ + refill);
  }
  if (last_ns_ < 0 || now_ns > last_ns_) last_ns_ = now_ns;
  tokens_ -= static_cast<double>(bytes);
  if (tokens_ >= 0) return 0;
  return static_cast<std::int64_t>(-tokens_ * 1e9 / static_cast<double>(rate)) + 1;
}

bool BandwidthLimiter::acquire(std::uint64_t bytes, const std::atomic<bool>* cancel) {
  if (unlimited()) return true;
  const std::int64_t start = steady_now_ns();
  const std::int64_t deadline = start + reserve(bytes, start);
  for (;;) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return false;
    std::int64_t left = deadline - steady_now_ns();
    if (left <= 0) return true;
    std::this_thread::sleep_for(std::chrono::nanoseconds(std::min(left, kMaxSleepSliceNs)));
  }
}

std::uint64_t BandwidthLimiter::chunk_bytes(std::uint64_t max_chunk) const {
  const std::uint64_t rate = bytes_per_second();
  if (rate == 0) return max_chunk;
  return std::clamp<std::uint64_t>(rate / 8, std::min<std::uint64_t>(16 * 1024, max_chunk),
                                   max_chunk);
}

}  // namespace distsync
