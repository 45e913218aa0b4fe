#include "projections/job_projection.h"

#include <cereal/types/map.hpp>
#include <cereal/types/string.hpp>

namespace distsync {
namespace {

const std::string kFilePrefix = "jobfile/";


void clear_pause(JobRecord* job) {
  job->paused = false;
  job->paused_reason.clear();
  job->paused_since_us = job->paused_until_us = 0;
}

void finish(JobState& state, JobRecord* job, JobStatus status, std::int64_t time_us,
            const std::string& reason) {
  clear_pause(job);
  job->status = status;
  job->finished_us = time_us;
  job->reason = reason;
  job->deferred_by.clear();
  if (state.copied.erase(job->id) > 0) {
    state.pending_files.erase_prefix(kFilePrefix, job->id, std::string_view("/"));
  }
  state.jobs.evict(job->id);
}

}  // namespace

std::string job_status_name(JobStatus s) {
  switch (s) {
    case JobStatus::kQueued: return "queued";
    case JobStatus::kDeferred: return "deferred";
    case JobStatus::kRunning: return "running";
    case JobStatus::kCompleted: return "completed";
    case JobStatus::kFailed: return "failed";
    case JobStatus::kCancelled: return "cancelled";
  }
  return "queued";
}

const JobRecord* JobState::active_for(const std::string& server, const std::string& component) const {
  for (const auto& [id, job] : jobs.items()) {
    if (!is_finished(job.status) && job.server == server && job.component == component) return &job;
  }
  return nullptr;
}

std::vector<const JobRecord*> JobState::unfinished() const {
  std::vector<const JobRecord*> out;
  for (const auto& [id, job] : jobs.items()) {
    if (!is_finished(job.status)) out.push_back(&job);
  }
  return out;
}

std::uint64_t copied_digest(std::string_view path, std::string_view sha256) {
  const std::uint64_t a = std::hash<std::string_view>{}(path);
  const std::uint64_t b = std::hash<std::string_view>{}(sha256);
  return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
}

bool JobState::was_copied(const std::string& job, const std::string& path,
                          const std::string& sha256) const {
  auto it = copied.find(job);
  return it != copied.end() && it->second.count(copied_digest(path, sha256)) > 0;
}

void JobState::save(StateTable& table) {
  jobs.save(table);
  pending_files.save(table);
}

void JobState::load(StateTable& table) {
  jobs.load(table);
  copied.clear();
  pending_files.clear();
  for (const auto& item : jobs.items()) {
    const std::string& id = item.first;  // not a structured binding: clang 14 cannot capture one
    std::string prefix = kFilePrefix + id + "/";
    table.scan(prefix, [&](std::string_view key, std::string_view value) {
      copied[id].insert(copied_digest(key.substr(prefix.size()), value));
      return true;
    });
  }
}

bool JobState::read_finished(StateTable& table, const std::string& id, JobRecord* out) {
  return EntityStore<JobRecord>::read(table, "job-done/", id, out);
}

void JobState::scan_finished(StateTable& table, const std::function<bool(const JobRecord&)>& fn) {
  EntityStore<JobRecord>::scan(table, "job-done/", fn);
}

void apply(JobState& state, const Event& e) {
  const std::string& id = e.correlation;
  if (const auto* q = e.as<SyncQueued>()) {
    JobRecord job;
    job.id = id;
    job.server = q->server;
    job.component = q->component;
    job.trigger = q->trigger;
    job.schedule_id = q->schedule_id;
    job.console = e.console;
    job.verify = q->verify;
    job.prune = q->prune;
    job.force_prune = q->force_prune;
    job.only = q->only;
    job.queued_us = e.time_us;
    state.jobs.put(id, job);
    return;
  }
  JobRecord* job = state.jobs.find_mutable(id);
  if (job == nullptr) return;  // events of a finished (evicted) or unknown job change nothing
  if (const auto* d = e.as<SyncDeferred>()) {
    job->status = JobStatus::kDeferred;
    job->deferred_by = d->download_id;
  } else if (const auto* pause = e.as<SyncPaused>()) {
    job->paused = true;
    job->paused_reason = pause->reason;
    job->paused_since_us = e.time_us;
    job->paused_until_us = pause->until_us;
  } else if (e.as<SyncResumed>()) {
    clear_pause(job);
  } else if (const auto* s = e.as<SyncStarted>()) {
    job->status = JobStatus::kRunning;
    job->deferred_by.clear();
    clear_pause(job);
    job->started_us = e.time_us;
    job->files_total = s->files_total;
    job->bytes_total = s->bytes_total;
    job->files_up_to_date = s->files_up_to_date;
    job->attempt = s->attempt;
    // A resumed job counts only what this attempt copies; earlier copies are in files_up_to_date.
    job->files_done = 0;
    job->bytes_done = 0;
    job->files_failed = 0;
  } else if (const auto* c = e.as<FileCopied>()) {
    ++job->files_done;
    job->bytes_done += c->size;
    job->retries.erase(c->path);
    state.copied[id].insert(copied_digest(c->path, c->sha256));
    state.pending_files.put(c->sha256, kFilePrefix, id, std::string_view("/"), c->path);
  } else if (const auto* f = e.as<FileCopyFailed>()) {
    if (f->next_retry_us == 0) {
      ++job->files_failed;
      job->retries.erase(f->path);
    } else {
      job->retries[f->path] = FileRetry{f->path, f->cause, f->message, f->attempt, f->max_attempts,
                                        f->next_retry_us};
    }
  } else if (e.as<SyncCompleted>()) {
    finish(state, job, JobStatus::kCompleted, e.time_us, "");
  } else if (const auto* failed = e.as<SyncFailed>()) {
    finish(state, job, JobStatus::kFailed, e.time_us, failed->reason);
  } else if (const auto* cancelled = e.as<SyncCancelled>()) {
    finish(state, job, JobStatus::kCancelled, e.time_us, cancelled->reason);
  }
}

}  // namespace distsync
