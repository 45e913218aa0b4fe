// Commands that start work: a sync job for a server and component, or a download.
//
// A request for a (server, component) that already has a queued or deferred job joins that
// job instead of queuing another. Pure decide functions (see server_commands.h).
#pragma once

#include <string>
#include <vector>

#include "events/event.h"
#include "projections/projection_set.h"

namespace distsync {

struct SyncRequest {
  std::string server;
  std::string component = "all";  // "core", "patches" or "all"
  std::string trigger = "cli";
  std::string schedule_id;
  bool verify = false;
  bool prune = false;
  bool force_prune = false;       // past the prune guard (prune_commands.h)
  std::vector<std::string> only;  // copy only these paths; a request joins only an equal job
};

bool valid_component(const std::string& component);

// Sets *job_id to the new or joined job; *joined tells which. `pending` are events decided
// earlier in the same command (so two requests for one pair in one command join too).
Status decide_sync_enqueue(const ProjectedState& state, const SyncRequest& request,
                           const std::vector<EventDraft>& pending, std::vector<EventDraft>* out,
                           std::string* job_id, bool* joined);

struct DownloadRequest {
  std::string kind;  // "refresh" or "patches"
  std::string source;
  std::vector<std::string> only;
  std::string trigger = "manual";
  std::string schedule_id;
};

// Refuses a second download of the same kind while one runs.
Status decide_download_start(const ProjectedState& state, const DownloadRequest& request,
                             std::vector<EventDraft>* out, std::string* download_id);

}  // namespace distsync
