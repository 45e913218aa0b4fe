// Which ZeroMQ endpoints distsync binds or connects to, and why the others are refused.
//
// An ipc:// socket is guarded by its file mode (0660 in a 0750 run dir) and inproc:// never
// leaves the process. A tcp:// control or bus endpoint would let anyone who can reach the
// port delete schedules or read the log, so it is a CURVE server (the console's key pair)
// that admits only the keys of the control clients file, each with its role
// (daemon/security/client_allowlist.h); without that file it is refused. The copy endpoint
// has no CURVE (remote hosts get a distsync-agent instead), so tcp:// is refused there.
// The daemon's config validation and distsync-worker both ask here, so the two sides agree.
// Pure; thread-safe.
#pragma once

#include <string_view>

#include "events/status.h"

namespace distsync {

// OK for ipc:// and inproc://, and for a tcp:// control or bus endpoint when
// `control_clients_file` is set. Else an InvalidArgument whose one-line message names `role`
// ("control", "bus", "copy"), the endpoint, the reason and the fix, e.g. "control endpoint
// tcp://127.0.0.1:5555 refused: tcp endpoints need CURVE keys; set control_clients_file
// (docs/configuration.md) or use ipc://". Other schemes are left to the caller.
[[nodiscard]] Status check_endpoint_authentication(std::string_view role,
                                                   std::string_view endpoint,
                                                   std::string_view control_clients_file = {});

}  // namespace distsync
