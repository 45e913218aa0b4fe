#include "daemon/commands/job_commands.h"

#include <set>
#include <utility>

#include "daemon/commands/rate_sources.h"

namespace distsync {
namespace {

const JobRecord* unfinished(const ProjectedState& s, const std::string& job) {
  const JobRecord* j = s.jobs.find(job);
  return j == nullptr || is_finished(j->status) ? nullptr : j;
}

// Why the job's server is in a closed window at `now_us` (of its own plan or of a group it
// is in; rate_in_force.h), or nullopt.
std::optional<std::string> closed_window(const ProjectedState& s, const JobRecord& j,
                                         std::int64_t now_us) {
  const ServerRecord* server = s.servers.find(j.server);
  if (server == nullptr) return std::nullopt;
  std::vector<RatePlanSource> sources = rate_sources(s, server->spec);
  if (!has_plan(sources)) return std::nullopt;
  RateInForce r = rate_in_force(sources, now_us);
  if (!r.closed) return std::nullopt;
  return closed_reason(j.server, r) + "; the sync starts when it opens";
}

}  // namespace

Status decide_job_gate(const ProjectedState& state, const std::string& job,
                       const std::optional<JobStart>& start, std::vector<EventDraft>* out,
                       JobGate* gate, std::optional<std::int64_t> now_us) {
  const JobRecord* j = unfinished(state, job);
  if (j == nullptr) {
    *gate = JobGate::kGone;
    return Status::ok();
  }
  auto running = state.downloads.running();
  if (!running.empty()) {
    *gate = JobGate::kDeferred;
    const std::string& download = running.front()->id;
    if (j->status != JobStatus::kDeferred || j->deferred_by != download) {
      out->push_back(
          {job, SyncDeferred{download, "download '" + download + "' (" + running.front()->kind +
                                           ") is running; the sync starts when it ends"}});
    }
    return Status::ok();
  }
  if (now_us) {
    if (auto closed = closed_window(state, *j, *now_us)) {
      *gate = JobGate::kDeferred;
      if (j->status != JobStatus::kDeferred || j->deferred_by != kClosedWindow) {
        out->push_back({job, SyncDeferred{kClosedWindow, *closed}});
      }
      return Status::ok();
    }
  }
  *gate = JobGate::kClear;
  if (start) {
    out->push_back(
        {job, SyncStarted{start->files, start->bytes, start->up_to_date, j->attempt + 1}});
    if (start->completed) out->push_back({job, *start->completed});
  }
  return Status::ok();
}

Status decide_job_cancel(const ProjectedState& state, const std::string& job,
                         const std::string& console, const std::string& reason,
                         std::vector<EventDraft>* out) {
  const JobRecord* j = unfinished(state, job);
  if (j == nullptr) {
    return Status::not_found("no unfinished job '" + job +
                             "'; list jobs with 'distsync sync jobs'");
  }
  if (j->console != console) {
    return Status::conflict("job '" + job + "' belongs to console '" + j->console +
                            "'; cancel it there");
  }
  out->push_back({job, SyncCancelled{reason}});
  return Status::ok();
}

Status decide_record_copied(const ProjectedState& state, const std::string& job,
                            const std::vector<FileCopied>& landed, std::vector<EventDraft>* out,
                            std::uint64_t* copied, std::uint64_t* bytes) {
  *copied = 0;
  *bytes = 0;
  if (unfinished(state, job) == nullptr) return Status::ok();
  std::set<std::pair<std::string, std::string>> seen;
  for (const FileCopied& f : landed) {
    if (state.jobs.was_copied(job, f.path, f.sha256) || !seen.emplace(f.path, f.sha256).second) {
      continue;
    }
    out->push_back({job, f});
    ++*copied;
    *bytes += f.size;
  }
  return Status::ok();
}

Status decide_job_event(const ProjectedState& state, const std::string& job, EventPayload event,
                        std::vector<EventDraft>* out, bool* appended) {
  *appended = unfinished(state, job) != nullptr;
  if (*appended) out->push_back({job, std::move(event)});
  return Status::ok();
}

}  // namespace distsync
