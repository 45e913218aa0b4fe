// Control ops of server groups: "group.add", "group.edit" (the bandwidth plan), "group.remove", "group.list",
// "group.add_member", "group.remove_member" and "group.resolve" (names that may be groups, to
// servers). Each write runs a decide function of daemon/commands/group_commands.h through
// `runner`; arguments and replies are in docs/protocol.md. `runner` must outlive the router.
#pragma once

#include "daemon/commands/command_runner.h"
#include "daemon/request_router.h"

namespace distsync {

void register_group_handlers(RequestRouter& router, CommandRunner& runner);

}  // namespace distsync
