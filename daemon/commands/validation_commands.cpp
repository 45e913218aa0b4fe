#include "daemon/commands/validation_commands.h"

#include "daemon/commands/sync_commands.h"

namespace distsync {

Status decide_validation_completed(const ProjectedState& state, const std::string& validation_id,
                                   const ValidationCompleted& found, bool repair,
                                   std::vector<EventDraft>* out, std::string* repair_job) {
  repair_job->clear();
  if (!state.servers.find(found.server)) {
    return Status::not_found("server '" + found.server + "' was removed during its validation");
  }
  out->push_back({validation_id, found});
  if (!repair || !found.error.empty()) return Status::ok();
  SyncRequest req;
  req.server = found.server;
  req.component = found.component;
  req.trigger = "repair";
  req.verify = true;
  req.only = found.mismatched_paths;
  req.only.insert(req.only.end(), found.missing_paths.begin(), found.missing_paths.end());
  if (req.only.empty()) return Status::ok();
  bool joined = false;
  return decide_sync_enqueue(state, req, *out, out, repair_job, &joined);
}

}  // namespace distsync
