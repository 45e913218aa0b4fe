#include "daemon/sync/job_progress.h"

#include <algorithm>
#include <ctime>

namespace distsync {
namespace {

std::string iso_utc(std::int64_t us) {
  std::time_t t = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

JobProgress job_progress(const JobRecord& job, std::int64_t now_us,
                         std::uint64_t in_flight_bytes) {
  JobProgress p;
  p.job = job.id;
  p.status = job_status_name(job.status);
  p.files_done = job.files_done;
  p.files_total = job.files_total;
  p.bytes_done = job.bytes_done;
  p.bytes_total = job.bytes_total;
  p.bytes_written = job.bytes_done;
  if (!is_finished(job.status) && job.bytes_total > job.bytes_done) {
    p.bytes_written += std::min(in_flight_bytes, job.bytes_total - job.bytes_done);
  }
  p.files_failed = job.files_failed;
  p.files_up_to_date = job.files_up_to_date;
  p.attempt = job.attempt;
  p.reason = job.reason;
  p.paused = job.paused && !is_finished(job.status);
  if (p.paused) {
    p.paused_reason = job.paused_reason;
    p.paused_until_us = job.paused_until_us;
  }
  for (const auto& [path, r] : job.retries) p.retries.push_back(r);
  if (job.started_us > 0) {
    std::int64_t end = is_finished(job.status) && job.finished_us > 0 ? job.finished_us : now_us;
    double seconds = static_cast<double>(end - job.started_us) / 1e6;
    if (seconds > 0) p.rate_bps = static_cast<double>(p.bytes_written) / seconds;
    if (p.bytes_written >= job.bytes_total) {
      p.eta_s = 0;
    } else if (p.rate_bps > 0) {
      p.eta_s = static_cast<std::int64_t>(
          static_cast<double>(job.bytes_total - p.bytes_written) / p.rate_bps + 0.5);
    }
  }
  return p;
}

nlohmann::json progress_json(const JobProgress& p) {
  nlohmann::json retries = nlohmann::json::array();
  for (const auto& r : p.retries) {
    retries.push_back(
        {{"path", r.path},
         {"cause", r.cause},
         {"message", r.message},
         {"attempt", r.attempt},
         {"max_attempts", r.max_attempts},
         {"next_retry_us", r.next_retry_us},
         {"text", "attempt " + std::to_string(r.attempt) + " of " + std::to_string(r.max_attempts) +
                      ", next retry at " + iso_utc(r.next_retry_us)}});
  }
  nlohmann::json out = {{"job", p.job},
          {"status", p.status},
          {"reason", p.reason},
          {"files_done", p.files_done},
          {"files_total", p.files_total},
          {"bytes_done", p.bytes_done},
          {"bytes_total", p.bytes_total},
          {"bytes_written", p.bytes_written},
          {"files_failed", p.files_failed},
          {"files_up_to_date", p.files_up_to_date},
          {"attempt", p.attempt},
          {"rate_bps", p.rate_bps},
          {"eta_s", p.eta_s},
          {"retries", retries},
          {"paused", p.paused}};
  if (p.paused) {
    out["paused_reason"] = p.paused_reason;
    out["paused_until_us"] = p.paused_until_us;
  }
  return out;
}

nlohmann::json job_json(const JobRecord& job) {
  return {{"job", job.id},
          {"server", job.server},
          {"component", job.component},
          {"trigger", job.trigger},
          {"console", job.console},
          {"status", job_status_name(job.status)},
          {"deferred_by", job.deferred_by},
          {"paused", job.paused && !is_finished(job.status)},
          {"queued_us", job.queued_us},
          {"started_us", job.started_us},
          {"finished_us", job.finished_us},
          {"files_done", job.files_done},
          {"files_total", job.files_total},
          {"bytes_done", job.bytes_done},
          {"bytes_total", job.bytes_total},
          {"files_failed", job.files_failed},
          {"attempt", job.attempt},
          {"reason", job.reason}};
}

}  // namespace distsync
