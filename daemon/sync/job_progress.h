// Progress of one sync job, derived from its projected record: files and bytes done of the
// totals, the average rate since SyncStarted, the time left at that rate, and the retries
// pending ("attempt k of n, next retry at T"). Pure; value types.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "projections/job_projection.h"

namespace distsync {

struct JobProgress {
  std::string job;
  std::string status;  // job_status_name
  std::uint64_t files_done = 0, files_total = 0;
  std::uint64_t bytes_done = 0, bytes_total = 0;
  // bytes_done (durable: FileCopied) plus what the job's batches in flight have written so
  // far (live_progress.h), at most bytes_total; never below bytes_done.
  std::uint64_t bytes_written = 0;
  std::uint64_t files_failed = 0, files_up_to_date = 0;
  std::uint32_t attempt = 0;
  double rate_bps = 0;      // bytes written per second since the job started; 0 before
  std::int64_t eta_s = -1;  // seconds left at that rate; -1 when unknown
  std::vector<FileRetry> retries;
  std::string reason;  // why a job failed or was cancelled
  // A running job whose batches a closed window holds (SyncPaused): why and until when.
  bool paused = false;
  std::string paused_reason;
  std::int64_t paused_until_us = 0;
};

// `now_us` is the caller's clock (UTC microseconds); `in_flight_bytes` the bytes the job's
// running batches have written (LiveProgress::in_flight), ignored for a finished job.
JobProgress job_progress(const JobRecord& job, std::int64_t now_us,
                         std::uint64_t in_flight_bytes = 0);

// {"job","status","files_done",...,"retries":[{"path","cause","message","attempt",
// "max_attempts","next_retry_us","text":"attempt 2 of 5, next retry at <ISO time>"}],
// "paused":false} or, while paused, "paused":true,"paused_reason","paused_until_us"
nlohmann::json progress_json(const JobProgress& p);
nlohmann::json job_json(const JobRecord& job);

}  // namespace distsync
