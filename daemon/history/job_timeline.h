// JobTimeline: one job's (or download's) story, folded from the events that carry its id:
// queued, deferred and why, started, files and bytes over time, retries (attempt k of n, next
// retry at T) and the outcome. A pure fold: build it from the job's events in seq order
// (HistoryIndex idx/job/<id>/ gives them without a scan). Value type.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "events/event.h"

namespace distsync {

struct TimelineEntry {
  std::uint64_t seq = 0;
  std::int64_t time_us = 0;
  std::string console;
  std::string type;
  std::string detail;  // summarize_event()
};

// Cumulative progress after each copied file.
struct ProgressPoint {
  std::int64_t time_us = 0;
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
};

struct RetryNote {
  std::uint64_t seq = 0;
  std::int64_t time_us = 0;
  std::string path;
  std::string cause;
  std::uint32_t attempt = 0;
  std::uint32_t max_attempts = 0;
  std::int64_t next_retry_us = 0;  // 0: no retry follows
};

struct JobTimeline {
  std::string id;
  std::string kind;  // "sync", "download" or "" (no lifecycle event seen)
  std::string server, component, trigger, schedule_id;
  // "queued", "deferred", "running", "completed", "failed", "cancelled"
  std::string state;
  std::int64_t queued_us = 0, started_us = 0, finished_us = 0;
  std::vector<std::string> deferrals;  // reasons, in order
  std::uint64_t files_total = 0, bytes_total = 0;
  std::uint64_t files_copied = 0, bytes_copied = 0, files_failed = 0;
  std::uint32_t attempt = 0;  // SyncStarted's attempt (>1 after a restart)
  std::string outcome_reason;
  std::vector<ProgressPoint> progress;
  std::vector<RetryNote> retries;
  std::vector<TimelineEntry> entries;
};

void apply(JobTimeline& t, const Event& e);
JobTimeline build_job_timeline(const std::string& id, const std::vector<Event>& events);

// The "history.job" reply body. progress is thinned to at most `max_points` points.
nlohmann::json timeline_json(const JobTimeline& t, std::size_t max_points = 200);

}  // namespace distsync
