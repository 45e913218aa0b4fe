#include "projections/job_projection.h"

#include <cereal/types/map.hpp>
#include <cereal/types/string.hpp>

namespace distsync {
namespace {

const std::string kFilePrefix = "jobfile/";

std::string file_key(const std::string& job, const std::string& path) {
  return kFilePrefix + job + "/" + path;
}

void finish(JobState& state, JobRecord* job, JobStatus status, std::int64_t time_us,
            const std::string& reason) {
  job->status = status;
  job->finished_us = time_us;
  job->reason = reason;
  job->deferred_by.clear();
  auto it = state.copied.find(job->id);
  if (it != state.copied.end()) {
    for (const auto& [path, sha] : it->second) state.pending_file_erases.push_back(file_key(job->id, path));
    state.copied.erase(it);
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

bool JobState::was_copied(const std::string& job, const std::string& path,
                          const std::string& sha256) const {
  auto it = copied.find(job);
  if (it == copied.end()) return false;
  auto f = it->second.find(path);
  return f != it->second.end() && f->second == sha256;
}

void JobState::save(StateTable& table) {
  jobs.save(table);
  for (const auto& [k, v] : pending_file_puts) table.put(k, v);
  for (const auto& k : pending_file_erases) table.erase(k);
  pending_file_puts.clear();
  pending_file_erases.clear();
}

void JobState::load(StateTable& table) {
  jobs.load(table, [](const JobRecord& j) { return !is_finished(j.status); });
  copied.clear();
  pending_file_puts.clear();
  pending_file_erases.clear();
  for (const auto& [id, job] : jobs.items()) {
    std::string prefix = kFilePrefix + id + "/";
    table.scan(prefix, [&](std::string_view key, std::string_view value) {
      copied[id][std::string(key.substr(prefix.size()))] = std::string(value);
      return true;
    });
  }
}

bool JobState::read_finished(StateTable& table, const std::string& id, JobRecord* out) {
  return EntityStore<JobRecord>::read(table, "job/", id, out);
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
    job.queued_us = e.time_us;
    state.jobs.put(id, job);
    return;
  }
  JobRecord* job = state.jobs.find_mutable(id);
  if (job == nullptr) return;  // events of a finished (evicted) or unknown job change nothing
  if (const auto* d = e.as<SyncDeferred>()) {
    job->status = JobStatus::kDeferred;
    job->deferred_by = d->download_id;
  } else if (const auto* s = e.as<SyncStarted>()) {
    job->status = JobStatus::kRunning;
    job->deferred_by.clear();
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
    state.copied[id][c->path] = c->sha256;
    state.pending_file_puts.emplace_back(file_key(id, c->path), c->sha256);
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
