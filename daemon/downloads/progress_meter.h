// ProgressMeter: live progress of one running download, for the status op: files and bytes
// done of total, the recent transfer rate, and the time left at that rate.
//
// The rate is measured over a sliding window of the last kRateWindow of updates, so a stall
// shows as a falling rate. Bytes of files skipped as current count as done (the fetcher
// reports them so), which makes the rate briefly optimistic right after a skip. Time is
// injected; the meter holds no clock. Value type; not thread-safe (the service guards it).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

#include "daemon/fetch/fetch_options.h"

namespace distsync {

struct DownloadProgress {
  std::size_t files_done = 0;
  std::size_t files_total = 0;
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;
  double bytes_per_second = 0;        // 0 until two updates span a measurable time
  std::optional<std::int64_t> eta_s;  // unknown while the rate is 0
};

class ProgressMeter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kRateWindow{5};

  void update(const FetchProgress& progress, Clock::time_point now);
  DownloadProgress snapshot() const;

 private:
  struct Sample {
    Clock::time_point at;
    std::uint64_t bytes;
  };
  FetchProgress last_;
  std::deque<Sample> window_;
};

}  // namespace distsync
