#include "daemon/commands/prune_commands.h"

namespace distsync {

std::optional<PruneRefused> prune_guard(const std::vector<FolderPrune>& folders,
                                        const PruneLimits& limits) {
  for (const FolderPrune& f : folders) {
    if (f.extras == 0) continue;
    // extras / on_server > percent / 100, in integers.
    bool too_many_share = f.extras * 100 > static_cast<std::uint64_t>(limits.percent) * f.on_server;
    bool too_many_files = f.extras > limits.max_files;
    if (too_many_share || too_many_files) {
      return PruneRefused{f.folder, f.extras, f.on_server, limits.percent, limits.max_files};
    }
  }
  return std::nullopt;
}

std::string prune_refusal_reason(const PruneRefused& r) {
  return "prune refused: it would remove " + std::to_string(r.would_remove) + " of " +
         std::to_string(r.files_on_server) + " files in " + r.folder + " (limits: " +
         std::to_string(r.limit_percent) + "% or " + std::to_string(r.limit_files) +
         " files); nothing was removed or copied; run again with --force-prune to remove them";
}

Status decide_prune_refused(const ProjectedState& state, const std::string& job,
                            const PruneRefused& refused, std::vector<EventDraft>* out,
                            bool* appended) {
  const JobRecord* j = state.jobs.find(job);
  *appended = j != nullptr && !is_finished(j->status);
  if (!*appended) return Status::ok();
  out->push_back({job, refused});
  out->push_back({job, SyncFailed{prune_refusal_reason(refused), 0, 0}});
  return Status::ok();
}

}  // namespace distsync
