#include "daemon/downloads/progress_meter.h"

#include <cmath>

namespace distsync {

void ProgressMeter::update(const FetchProgress& progress, Clock::time_point now) {
  last_ = progress;
  window_.push_back({now, progress.bytes_done});
  // Keep one sample older than the window so the rate always spans the whole window.
  while (window_.size() > 2 && now - window_[1].at >= kRateWindow) window_.pop_front();
}

DownloadProgress ProgressMeter::snapshot() const {
  DownloadProgress p;
  p.files_done = last_.files_done;
  p.files_total = last_.files_total;
  p.bytes_done = last_.bytes_done;
  p.bytes_total = last_.bytes_total;
  if (window_.size() >= 2) {
    const Sample& first = window_.front();
    const Sample& last = window_.back();
    double seconds = std::chrono::duration<double>(last.at - first.at).count();
    if (seconds > 0 && last.bytes >= first.bytes) {
      p.bytes_per_second = static_cast<double>(last.bytes - first.bytes) / seconds;
    }
  }
  if (p.bytes_per_second > 0 && p.bytes_total >= p.bytes_done) {
    p.eta_s = static_cast<std::int64_t>(
        std::ceil(static_cast<double>(p.bytes_total - p.bytes_done) / p.bytes_per_second));
  }
  return p;
}

}  // namespace distsync
