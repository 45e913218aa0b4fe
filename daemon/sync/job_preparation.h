// prepare_sync_job: what a sync job learns before it starts copying (kPrepare of
// job_machine.h). Internal to distsync_sync.
//
// It reads the job and its server from the projection, resolves the component folders, opens
// the server's Target (server_target.h), preflights every folder (R7), removes the temps an
// interrupted earlier attempt left, plans the copy (sync_plan.h) and checks that each folder
// has room for what the plan writes there. A prune past the guard (prune_commands.h) is
// returned as `prune_refused`, before anything is copied or removed. It appends nothing: a
// failure is the reason the job's SyncFailed gives, and the caller records it. Thread-safe for distinct jobs; every
// argument must outlive the call.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/commands/prune_commands.h"
#include "daemon/commands/command_runner.h"
#include "daemon/commands/rate_sources.h"
#include "daemon/sync/component_layout.h"
#include "daemon/sync/job_runner.h"
#include "daemon/sync/sync_plan.h"

namespace distsync {

struct PreparedJob {
  JobRecord job;
  ServerSpec server;
  // The plans in force for the server when the job was prepared (its own and its groups',
  // rate_sources.h); an edit of either reaches the next job.
  std::vector<RatePlanSource> rate_plans;
  std::vector<ComponentRoot> roots;
  std::shared_ptr<Target> target;
  SyncPlan plan;
  // A repair (a job limited to some paths) never prunes.
  bool pruning() const { return job.prune && job.only.empty(); }
  std::optional<PruneRefused> prune_refused;  // set when the guard stops the job's prune
};

// On failure the Status's message is the operator's reason (and fix).
Result<PreparedJob> prepare_sync_job(CommandRunner& commands, const JobRunnerOptions& options,
                                     ManifestLocks& locks, const std::string& id);

}  // namespace distsync
