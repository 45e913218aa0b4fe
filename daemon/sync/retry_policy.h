// SyncRetryPolicy: how often and when a file copy that failed is tried again.
//
// Attempt k (1-based) that fails is followed by attempt k+1 after
// min(base * factor^(k-1), cap); after max_attempts failures the file counts as failed.
// Defaults: 5 attempts, 1 s base, x2, capped at 60 s (1, 2, 4, 8 s between attempts).
// Value type; pure.
#pragma once

#include <cstdint>

namespace distsync {

struct SyncRetryPolicy {
  std::uint32_t max_attempts = 5;
  std::int64_t base_us = 1'000'000;
  double factor = 2.0;
  std::int64_t cap_us = 60'000'000;

  // The wait after failed attempt `attempt` (1-based); 0 when no attempt follows.
  std::int64_t delay_after(std::uint32_t attempt) const {
    if (attempt >= max_attempts) return 0;
    double d = static_cast<double>(base_us);
    for (std::uint32_t i = 1; i < attempt && d < static_cast<double>(cap_us); ++i) d *= factor;
    return d >= static_cast<double>(cap_us) ? cap_us : static_cast<std::int64_t>(d);
  }
};

}  // namespace distsync
