// Commands of content validation: record what a validation found and, with --repair, queue a
// sync of exactly the bad files in the same command.
//
// Pure decide function (see server_commands.h). The repair job copies only the mismatched and
// missing paths (SyncQueued.only), with trigger "repair" and verify on, so that a corrupt file
// whose size and mtime agree with the console's is judged by its hash and copied again.
#pragma once

#include <string>
#include <vector>

#include "events/event.h"
#include "projections/projection_set.h"

namespace distsync {

// Appends `found` under `validation_id`; with `repair` and something to repair, also a
// SyncQueued for found.server and sets *repair_job (left empty otherwise). not_found when the
// server was removed meanwhile.
Status decide_validation_completed(const ProjectedState& state, const std::string& validation_id,
                                   const ValidationCompleted& found, bool repair,
                                   std::vector<EventDraft>* out, std::string* repair_job);

}  // namespace distsync
