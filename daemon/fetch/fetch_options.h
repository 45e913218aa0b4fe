// FetchOptions, FetchProgress and FetchReport: how a fetch runs and what it reports.
//
// The callbacks in FetchOptions run on the fetching thread, synchronously; they must not
// block for long. `cancel`, if set, is borrowed: it must outlive the fetch, and any thread may
// store true into it to stop the fetch at the next chunk or between retries.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace distsync {

struct FetchProgress {
  std::size_t files_done = 0;  // fetched, skipped as current, or failed
  std::size_t files_total = 0;
  std::uint64_t bytes_done = 0;  // includes skipped files and resumed prefixes
  std::uint64_t bytes_total = 0;
};

struct FetchOptions {
  // HTTP only: time allowed to open the connection, and to go without receiving a byte.
  long connect_timeout_ms = 10000;
  long stall_timeout_ms = 30000;
  // Attempts per file (and for the manifest), including the first; at least 1.
  int max_attempts = 5;
  // Delay before retry n (n = 1, 2, ...) is backoff_base * 2^(n-1), capped at backoff_max.
  std::chrono::milliseconds backoff_base{500};
  std::chrono::milliseconds backoff_max{30000};
  // Names or fnmatch globs; when non-empty only matching manifest entries are fetched.
  std::vector<std::string> only;
  std::atomic<bool>* cancel = nullptr;
  std::function<void(const FetchProgress&)> on_progress;
  // Waits between retries. Empty: a real wait that returns early once *cancel is true.
  std::function<void(std::chrono::milliseconds)> sleep;
};

struct FetchReport {
  std::size_t files_total = 0;  // manifest entries selected by `only`
  std::size_t files_fetched = 0;
  std::size_t files_skipped = 0;    // already present with the published size and SHA-256
  std::uint64_t bytes_total = 0;    // published size of the selected entries
  std::uint64_t bytes_fetched = 0;  // body bytes transferred this run
  std::size_t files_resumed = 0;    // fetched by continuing an earlier run's temp file
  bool cancelled = false;
  std::vector<std::string> failures;  // one "path: cause" per file not brought up to date

  bool complete() const { return failures.empty() && !cancelled; }
};

}  // namespace distsync
