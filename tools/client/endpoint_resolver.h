// Which control endpoint a client talks to, given the same DaemonConfig the daemon loads.
//
// An explicit endpoint wins. Else, if the console id or the control endpoint was set (by a
// flag or the config file), the configured endpoint is used. Else the run dir is searched for
// running consoles (a `*.control` socket whose `*.lock` is held): exactly one is used; several
// are an InvalidArgument naming them ("several consoles share <data_dir> (a, b); pick one with
// --console"); none falls back to the configured endpoint, so the error names where the
// daemon was expected. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "events/result.h"

namespace distsync {

// Console ids with a control socket in run_dir whose console lock is held, sorted.
std::vector<std::string> running_consoles(const std::string& run_dir);

// The bus endpoint a client connects to, given the one the console reports (its bind
// address). A tcp:// bus bound to every interface (`*`, 0.0.0.0, [::]) is reached at the host
// of the tcp:// control endpoint the client already uses; anything else is kept.
std::string reachable_bus_endpoint(const std::string& control_endpoint,
                                   const std::string& reported_bus);

Result<std::string> resolve_control_endpoint(const DaemonConfig& config,
                                             const std::optional<std::string>& endpoint_flag);

}  // namespace distsync
