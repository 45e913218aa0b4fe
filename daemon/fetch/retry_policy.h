// Retry policy: exponential backoff between attempts, and a wait that cancellation cuts short.
//
// backoff_delay is pure; wait_before_retry waits through FetchOptions::sleep when one is
// injected (tests), otherwise in short slices that stop once *options.cancel is true.
#pragma once

#include <chrono>

#include "daemon/fetch/fetch_options.h"

namespace distsync {

// Delay before retry `retry` (1 for the wait after the first failed attempt):
// backoff_base * 2^(retry-1), capped at backoff_max.
std::chrono::milliseconds backoff_delay(const FetchOptions& options, int retry);

bool is_cancelled(const FetchOptions& options);

// Waits backoff_delay(options, retry). Returns false if the fetch was cancelled.
bool wait_before_retry(const FetchOptions& options, int retry);

}  // namespace distsync
