// Which ZeroMQ endpoints distsync binds or connects to, and why the others are refused.
//
// The control socket, the bus and the copy endpoint carry commands, every event and copy
// tasks with no authentication of their own: an ipc:// socket is guarded by its file mode
// (0660 in a 0750 run dir), inproc:// never leaves the process. A tcp:// endpoint would let any
// local user, or anyone who can reach the port, delete schedules, read the log or hand a worker
// copy tasks, so it is refused until CURVE authentication lands. The daemon's config
// validation and distsync-worker both ask here, so the two sides agree. Pure; thread-safe.
#pragma once

#include <string_view>

#include "events/status.h"

namespace distsync {

// OK for ipc:// and inproc://. For tcp:// an InvalidArgument whose one-line message names
// `role` ("control", "bus", "copy"), the endpoint, the reason and the fix, e.g.
// "control endpoint tcp://127.0.0.1:5555 refused: tcp endpoints need CURVE authentication,
// which this build does not have yet; use ipc://". Other schemes are left to the caller.
[[nodiscard]] Status check_endpoint_authentication(std::string_view role,
                                                   std::string_view endpoint);

}  // namespace distsync
