// BandwidthLimiter: a token bucket (bytes per second) shared by every copy to one target.
//
// Callers reserve bytes before sending them. A reservation larger than the tokens at hand
// runs the bucket into debt and returns the wait that pays the debt off, so concurrent
// callers queue fairly in reservation order and large chunks need no special case. The
// bucket starts full (burst bytes). Over any interval, at most burst + rate * seconds bytes
// get through. Rate 0 means unlimited.
//
// The rate may change while copies run (set_rate: the copy dispatcher re-divides one server's
// limit among its tasks in flight); the burst stays the one set at construction.
//
// Thread-safe. The pure core reserve(bytes, now_ns) takes the time as an argument; acquire()
// is the shell that reads the monotonic clock and sleeps.
#pragma once

#include <atomic>
#include <cstdint>

#include "events/mutex.h"

namespace distsync {

class BandwidthLimiter {
 public:
  // burst_bytes 0 = a tenth of a second's worth, at least 64 KiB.
  explicit BandwidthLimiter(std::uint64_t bytes_per_second, std::uint64_t burst_bytes = 0);

  BandwidthLimiter(const BandwidthLimiter&) = delete;
  BandwidthLimiter& operator=(const BandwidthLimiter&) = delete;

  // Takes `bytes` from the bucket at monotonic time `now_ns` and returns how many ns the
  // caller must wait before sending them (0 when the bucket covered them).
  std::int64_t reserve(std::uint64_t bytes, std::int64_t now_ns);

  // Reserves `bytes` and sleeps for the returned wait, in slices, checking `cancel`.
  // Returns false when cancelled while waiting.
  bool acquire(std::uint64_t bytes, const std::atomic<bool>* cancel = nullptr);

  std::uint64_t bytes_per_second() const { return rate_.load(std::memory_order_relaxed); }
  bool unlimited() const { return bytes_per_second() == 0; }
  // From now on; a wait already returned by reserve() is not shortened. 0 = unlimited.
  void set_rate(std::uint64_t bytes_per_second);

  // A chunk size that keeps transfers smooth under this limit: about 1/8 s worth of bytes,
  // between 16 KiB and `max_chunk`.
  std::uint64_t chunk_bytes(std::uint64_t max_chunk) const;

 private:
  std::atomic<std::uint64_t> rate_;
  const double burst_;
  Mutex mu_;
  double tokens_ GUARDED_BY(mu_);         // negative = debt
  std::int64_t last_ns_ GUARDED_BY(mu_);  // time tokens_ was last refilled (-1 = never)
};

}  // namespace distsync
