// Jobs: sync jobs from SyncQueued to their outcome, with progress derived from the events.
//
// Unfinished jobs stay in memory; a finished job is persisted and then evicted, so memory does
// not grow with history (JobState::read_finished() fetches one from the table). For each
// unfinished job the set of paths already copied is kept, so a resumed job never copies or
// records a file twice. Pure fold; value type.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <unordered_set>
#include <string>
#include <vector>

#include "events/event.h"
#include "projections/entity_store.h"
#include "projections/pending_writes.h"

namespace distsync {

enum class JobStatus { kQueued, kDeferred, kRunning, kCompleted, kFailed, kCancelled };
std::string job_status_name(JobStatus s);
inline bool is_finished(JobStatus s) { return s >= JobStatus::kCompleted; }

struct FileRetry {
  std::string path;
  std::string cause;
  std::string message;
  std::uint32_t attempt = 0;
  std::uint32_t max_attempts = 0;
  std::int64_t next_retry_us = 0;
  bool operator==(const FileRetry&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<FileRetry>(version);
    ar(CEREAL_NVP(path), CEREAL_NVP(cause), CEREAL_NVP(message), CEREAL_NVP(attempt),
       CEREAL_NVP(max_attempts), CEREAL_NVP(next_retry_us));
  }
};

struct JobRecord {
  std::string id;
  std::string server;
  std::string component;
  std::string trigger;
  std::string schedule_id;
  std::string console;  // the console that queued it and runs it
  bool verify = false;
  bool prune = false;
  bool force_prune = false;        // version 2: past the prune guard
  std::vector<std::string> only{};  // version 2: copy only these paths (empty = all)
  JobStatus status = JobStatus::kQueued;
  std::string deferred_by;  // download id while deferred
  std::int64_t queued_us = 0, started_us = 0, finished_us = 0;
  std::uint64_t files_total = 0, bytes_total = 0, files_up_to_date = 0;
  std::uint64_t files_done = 0, bytes_done = 0, files_failed = 0;
  std::uint32_t attempt = 0;
  std::string reason;  // failure or cancellation reason
  std::map<std::string, FileRetry> retries;  // latest failure per path still pending
  // Version 3: while a closed window holds a running job's batches (SyncPaused, until its
  // SyncResumed): why, since when and until when (0 = not known).
  bool paused = false;
  std::string paused_reason;
  std::int64_t paused_since_us = 0, paused_until_us = 0;

  bool operator==(const JobRecord&) const = default;
  template <class Archive>
  void save(Archive& ar, std::uint32_t const version) const {
    require_known_version<JobRecord>(version);
    int st = static_cast<int>(status);
    ar(id, server, component, trigger, schedule_id, console, verify, prune, st, deferred_by,
       queued_us, started_us, finished_us, files_total, bytes_total, files_up_to_date, files_done,
       bytes_done, files_failed, attempt, reason, retries);
    if (version >= 2) ar(force_prune, only);
    if (version >= 3) ar(paused, paused_reason, paused_since_us, paused_until_us);
  }
  template <class Archive>
  void load(Archive& ar, std::uint32_t const version) {
    require_known_version<JobRecord>(version);
    int st = 0;
    ar(id, server, component, trigger, schedule_id, console, verify, prune, st, deferred_by,
       queued_us, started_us, finished_us, files_total, bytes_total, files_up_to_date, files_done,
       bytes_done, files_failed, attempt, reason, retries);
    if (version >= 2) ar(force_prune, only);
    if (version >= 3) ar(paused, paused_reason, paused_since_us, paused_until_us);
    if (st < 0 || st > static_cast<int>(JobStatus::kCancelled)) throw cereal::Exception("bad job status");
    status = static_cast<JobStatus>(st);
  }
};

struct JobState {
  EntityStore<JobRecord> jobs{"job/", "job-done/"};
  // Unfinished jobs only: a 64-bit digest of (path, sha256) of each file copied. A false
  // "already copied" needs two 64-bit digests to collide within one job.
  std::map<std::string, std::unordered_set<std::uint64_t>> copied;
  PendingWrites pending_files;  // jobfile/<job>/<path> records to write or erase

  const JobRecord* find(const std::string& id) const { return jobs.find(id); }
  // The unfinished job for (server, component), if any.
  const JobRecord* active_for(const std::string& server, const std::string& component) const;
  std::vector<const JobRecord*> unfinished() const;
  bool was_copied(const std::string& job, const std::string& path, const std::string& sha256) const;

  void save(StateTable& table);
  void load(StateTable& table);
  static bool read_finished(StateTable& table, const std::string& id, JobRecord* out);
  // Calls fn(job) for every finished job, by id, until it returns false.
  static void scan_finished(StateTable& table, const std::function<bool(const JobRecord&)>& fn);
};

void apply(JobState& state, const Event& e);

std::uint64_t copied_digest(std::string_view path, std::string_view sha256);

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::FileRetry, 1);
CEREAL_CLASS_VERSION(distsync::JobRecord, 3);
