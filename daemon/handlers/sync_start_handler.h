// Control op "sync.start": queue a sync of one component to one or more servers (a manual
// sync), joining a job already queued for the same server and component.
// Args: {"servers":[...], "component":"all", "verify":false, "prune":false}.
// Reply: {"jobs":[{"server":..,"job":..,"joined":bool}]}. All or nothing.
#pragma once

#include "daemon/handlers/command_runner.h"
#include "daemon/request_router.h"

namespace distsync {

void register_sync_start_handler(RequestRouter& router, CommandRunner& runner);

}  // namespace distsync
