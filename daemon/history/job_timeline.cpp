#include "daemon/history/job_timeline.h"

#include "daemon/history/event_summary.h"

namespace distsync {

void apply(JobTimeline& t, const Event& e) {
  t.entries.push_back({e.seq, e.time_us, e.console, std::string(e.type()), summarize_event(e)});
  if (const auto* q = e.as<SyncQueued>()) {
    t.kind = "sync";
    t.server = q->server;
    t.component = q->component;
    t.trigger = q->trigger;
    t.schedule_id = q->schedule_id;
    t.state = "queued";
    t.queued_us = e.time_us;
  } else if (const auto* d = e.as<SyncDeferred>()) {
    t.state = "deferred";
    t.deferrals.push_back(d->reason);
  } else if (const auto* s = e.as<SyncStarted>()) {
    t.state = "running";
    t.started_us = e.time_us;
    t.files_total = s->files_total;
    t.bytes_total = s->bytes_total;
    t.attempt = s->attempt;
  } else if (const auto* c = e.as<FileCopied>()) {
    ++t.files_copied;
    t.bytes_copied += c->size;
    t.progress.push_back({e.time_us, t.files_copied, t.bytes_copied});
  } else if (const auto* f = e.as<FileCopyFailed>()) {
    if (f->next_retry_us == 0) ++t.files_failed;
    t.retries.push_back(
        {e.seq, e.time_us, f->path, f->cause, f->attempt, f->max_attempts, f->next_retry_us});
  } else if (const auto* done = e.as<SyncCompleted>()) {
    t.state = "completed";
    t.finished_us = e.time_us;
    t.files_copied = std::max(t.files_copied, done->files_copied);
    t.bytes_copied = std::max(t.bytes_copied, done->bytes_copied);
  } else if (const auto* failed = e.as<SyncFailed>()) {
    t.state = "failed";
    t.finished_us = e.time_us;
    t.outcome_reason = failed->reason;
    t.files_failed = std::max(t.files_failed, failed->files_failed);
  } else if (const auto* cancelled = e.as<SyncCancelled>()) {
    t.state = "cancelled";
    t.finished_us = e.time_us;
    t.outcome_reason = cancelled->reason;
  } else if (const auto* ds = e.as<DownloadStarted>()) {
    t.kind = "download";
    t.component = ds->kind;
    t.trigger = ds->trigger;
    t.schedule_id = ds->schedule_id;
    t.state = "running";
    t.queued_us = t.started_us = e.time_us;
  } else if (const auto* dc = e.as<DownloadCompleted>()) {
    t.state = "completed";
    t.finished_us = e.time_us;
    t.files_total = dc->files_total;
    t.files_copied = dc->files_fetched;
    t.bytes_copied = dc->bytes_fetched;
  } else if (const auto* df = e.as<DownloadFailed>()) {
    t.state = "failed";
    t.finished_us = e.time_us;
    t.outcome_reason = df->reason;
    t.files_copied = df->files_fetched;
    t.bytes_copied = df->bytes_fetched;
  }
}

JobTimeline build_job_timeline(const std::string& id, const std::vector<Event>& events) {
  JobTimeline t;
  t.id = id;
  for (const Event& e : events) apply(t, e);
  return t;
}

nlohmann::json timeline_json(const JobTimeline& t, std::size_t max_points) {
  using nlohmann::json;
  json entries = json::array();
  for (const TimelineEntry& e : t.entries) {
    entries.push_back({{"seq", e.seq},
                       {"time_us", e.time_us},
                       {"console", e.console},
                       {"type", e.type},
                       {"detail", e.detail}});
  }
  json progress = json::array();
  const std::size_t n = t.progress.size();
  const std::size_t step =
      max_points == 0 || n <= max_points ? 1 : (n + max_points - 1) / max_points;
  for (std::size_t i = 0; i < n; ++i) {
    // Keep every step-th point and always the last, so the curve ends where the job did.
    if (i % step != 0 && i + 1 != n) continue;
    const ProgressPoint& p = t.progress[i];
    progress.push_back({{"time_us", p.time_us}, {"files", p.files}, {"bytes", p.bytes}});
  }
  json retries = json::array();
  for (const RetryNote& r : t.retries) {
    retries.push_back({{"seq", r.seq},
                       {"time_us", r.time_us},
                       {"path", r.path},
                       {"cause", r.cause},
                       {"attempt", r.attempt},
                       {"max_attempts", r.max_attempts},
                       {"next_retry_us", r.next_retry_us}});
  }
  return json{{"id", t.id},
              {"kind", t.kind},
              {"server", t.server},
              {"component", t.component},
              {"trigger", t.trigger},
              {"schedule_id", t.schedule_id},
              {"state", t.state},
              {"queued_us", t.queued_us},
              {"started_us", t.started_us},
              {"finished_us", t.finished_us},
              {"deferrals", t.deferrals},
              {"files_total", t.files_total},
              {"bytes_total", t.bytes_total},
              {"files_copied", t.files_copied},
              {"bytes_copied", t.bytes_copied},
              {"files_failed", t.files_failed},
              {"attempt", t.attempt},
              {"reason", t.outcome_reason},
              {"progress", progress},
              {"retries", retries},
              {"entries", entries}};
}

}  // namespace distsync
