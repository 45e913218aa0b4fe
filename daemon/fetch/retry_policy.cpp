#include "daemon/fetch/retry_policy.h"

#include <algorithm>
#include <thread>

namespace distsync {

std::chrono::milliseconds backoff_delay(const FetchOptions& options, int retry) {
  auto delay = std::max(options.backoff_base, std::chrono::milliseconds(0));
  for (int i = 1; i < retry && delay < options.backoff_max; ++i) delay *= 2;
  return std::min(delay, options.backoff_max);
}

bool is_cancelled(const FetchOptions& options) {
  return options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed);
}

bool wait_before_retry(const FetchOptions& options, int retry) {
  if (is_cancelled(options)) return false;
  auto delay = backoff_delay(options, retry);
  if (options.sleep) {
    options.sleep(delay);
    return !is_cancelled(options);
  }
  // No condition variable to signal: a 50 ms poll of the flag bounds how late a cancel lands.
  constexpr auto kSlice = std::chrono::milliseconds(50);
  auto deadline = std::chrono::steady_clock::now() + delay;
  while (!is_cancelled(options)) {
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return true;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(kSlice, deadline - now));
  }
  return false;
}

}  // namespace distsync
