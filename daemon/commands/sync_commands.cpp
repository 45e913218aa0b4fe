#include "daemon/commands/sync_commands.h"

#include "daemon/commands/ids.h"

namespace distsync {

bool valid_component(const std::string& c) { return c == "core" || c == "patches" || c == "all"; }

Status decide_sync_enqueue(const ProjectedState& state, const SyncRequest& request,
                           const std::vector<EventDraft>& pending, std::vector<EventDraft>* out,
                           std::string* job_id, bool* joined) {
  const ServerRecord* server = state.servers.find(request.server);
  if (!server) return Status::not_found("no server named '" + request.server + "'");
  if (!valid_component(request.component)) {
    return Status::invalid_argument("unknown component '" + request.component +
                                    "': use core, patches or all");
  }
  if (!server->spec.enabled) {
    return Status::invalid_argument("server '" + request.server +
                                    "' is disabled; enable it with `distsync server edit " +
                                    request.server + " --enable`");
  }
  for (const JobRecord* job : state.jobs.unfinished()) {
    if (job->server == request.server && job->component == request.component &&
        (job->status == JobStatus::kQueued || job->status == JobStatus::kDeferred) &&
        job->only == request.only) {
      *job_id = job->id;
      *joined = true;
      return Status::ok();
    }
  }
  for (const EventDraft& d : pending) {
    const auto* q = std::get_if<SyncQueued>(&d.payload);
    if (q && q->server == request.server && q->component == request.component &&
        q->only == request.only) {
      *job_id = d.correlation;
      *joined = true;
      return Status::ok();
    }
  }
  *job_id = new_id("job");
  *joined = false;
  out->push_back({*job_id, SyncQueued{request.server, request.component, request.trigger,
                                      request.schedule_id, request.verify, request.prune,
                                      request.force_prune, request.only}});
  return Status::ok();
}

Status decide_download_start(const ProjectedState& state, const DownloadRequest& request,
                             std::vector<EventDraft>* out, std::string* download_id) {
  if (request.kind != "refresh" && request.kind != "patches") {
    return Status::invalid_argument("unknown download kind '" + request.kind +
                                    "': use refresh or patches");
  }
  if (request.source.empty()) {
    return Status::invalid_argument("no download source is configured for " + request.kind +
                                    "; set one with `distsync download source " + request.kind +
                                    " URL`");
  }
  for (const DownloadRecord* d : state.downloads.running()) {
    if (d->kind == request.kind) {
      return Status::conflict("a " + request.kind + " download is already running: " + d->id);
    }
  }
  *download_id = new_id("dl");
  out->push_back({*download_id, DownloadStarted{request.kind, request.source, request.only,
                                                request.trigger, request.schedule_id}});
  return Status::ok();
}

}  // namespace distsync
