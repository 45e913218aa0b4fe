// Commands on the server registry: add, edit, remove.
//
// Each decide_* function is pure: it checks a request against the projected state and either
// refuses with a one-line Status or fills `out` with the events to append. The daemon runs
// them inside the log's write transaction (see events/log/event_log.h), so the checks and the
// append are atomic across threads and processes.
//
// What is recorded is normalized: the root path and component folders as NormalPath
// (daemon/content/normal_path.h) writes them, so "/srv/a/zz/../d6" is refused and "/srv//a/"
// is recorded as "/srv/a". One server per folder: a path equal to, inside or around another
// server's path is refused. Descriptions are at most 1024 bytes of text without control
// characters. A root written as a share (smb://host/share/dir or \\host\share\dir,
// daemon/content/smb_path.h) is recorded as typed and compared in its normal form.
// `credential_ref` must be empty or a name in the name grammar (never echoed when it is
// not); that the name exists is checked by the handler against the credential store.
// A server on agents names each agent of its pool once (at most kMaxPoolAgents), each one
// allowed; the one-folder rule compares two servers' paths when they share an agent.
#pragma once

#include <vector>

#include "daemon/commands/server_limits.h"
#include "events/event.h"
#include "projections/projection_set.h"

namespace distsync {

// Field checks that need no state: name, path (a valid absolute NormalPath, no user info),
// description, limits (server_limits.h: parallel copies 1-kMaxParallelCopies, bandwidth
// 0-kMaxBandwidthBps), component sub-folders (valid relative NormalPaths).
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
