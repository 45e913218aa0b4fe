// Commands on the server registry: add, edit, remove.
//
// Each decide_* function is pure: it checks a request against the projected state and either
// refuses with a one-line Status or fills `out` with the events to append. The daemon runs
// them inside the log's write transaction (see events/log/event_log.h), so the checks and the
// append are atomic across threads and processes.
#pragma once

#include <vector>

#include "daemon/commands/server_limits.h"
#include "events/event.h"
#include "projections/projection_set.h"

namespace distsync {

// Field checks that need no state: name, absolute path, limits (server_limits.h: parallel
// copies 1-kMaxParallelCopies, bandwidth 0-kMaxBandwidthBps), component sub-folders.
Status validate_server_spec(const ServerSpec& spec);

Status decide_server_add(const ProjectedState& state, const ServerSpec& spec,
                         std::vector<EventDraft>* out);
// `name` is the server's current name; spec may rename it.
Status decide_server_edit(const ProjectedState& state, const std::string& name,
                          const ServerSpec& spec, std::vector<EventDraft>* out);
// Refuses while schedules name the server, unless `force`, which deletes them too.
Status decide_server_remove(const ProjectedState& state, const std::string& name, bool force,
                            std::vector<EventDraft>* out);

}  // namespace distsync
