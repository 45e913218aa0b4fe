// Control op "server.show": one server's record with the rate in force now, combined from its
// own limit and plan and the plans of the groups it is in (projections/calendar/rate_in_force.h):
// the rate or a closed window, which window and which source (the server or a group) decides
// it, and when it next changes, in UTC and in that source's zone. Arguments and reply are in
// docs/protocol.md. `runner` must outlive the router; `clock_us` is the daemon's clock (UTC
// microseconds), the same the sync engine reads. Thread-safe as the router is.
#pragma once

#include <cstdint>
#include <functional>

#include "daemon/commands/command_runner.h"
#include "daemon/request_router.h"

namespace distsync {

void register_rate_plan_handlers(RequestRouter& router, CommandRunner& runner,
                                 std::function<std::int64_t()> clock_us);

}  // namespace distsync
