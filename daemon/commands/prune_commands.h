// The prune guard: a job asked to prune removes the files only on the server, unless that
// would remove more than `percent` of a component folder's files on the server or more than
// `max_files` of them; then it stops before removing anything (PruneRefused naming the count,
// then SyncFailed), and nothing is copied. `--force-prune` (SyncQueued.force_prune) skips the
// guard. Whatever a prune removed is named by FilesPruned, one per folder.
//
// prune_guard is a pure function of the counts; decide_prune_refused is a pure decide
// function (see server_commands.h) that the sync job runs through CommandRunner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events/event.h"
#include "projections/projection_set.h"

namespace distsync {

struct PruneLimits {
  std::uint32_t percent = 10;    // of a folder's files on the server; 0..100
  std::uint64_t max_files = 1000;
};

struct FolderPrune {
  std::string folder;          // component folder on the server
  std::uint64_t extras = 0;    // files the prune would remove
  std::uint64_t on_server = 0; // files the folder holds now, extras included
};

// The first folder whose prune exceeds a limit, as the event to record; nullopt when every
// folder is within both limits.
std::optional<PruneRefused> prune_guard(const std::vector<FolderPrune>& folders,
                                        const PruneLimits& limits);

// The operator's one line for a refusal: the count, the limit and the override.
std::string prune_refusal_reason(const PruneRefused& refused);

// While `job` is unfinished: PruneRefused, then SyncFailed with prune_refusal_reason.
// *appended says whether it did.
Status decide_prune_refused(const ProjectedState& state, const std::string& job,
                            const PruneRefused& refused, std::vector<EventDraft>* out,
                            bool* appended);

}  // namespace distsync
