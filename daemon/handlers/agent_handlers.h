// Control ops for remote agents: "agent.allow" {name, public_key}, "agent.revoke" {name,
// force}, "agent.list". Allow and revoke run the pure commands of
// daemon/commands/agent_commands.h; list joins the allowlist (projection) with what the
// agent hub knows live, which `live` returns as {"endpoint", "console_key", "agents":
// [{name, address, version, folders, last_seen_us, connected}]}. Public keys only: no reply
// carries a secret. Arguments and replies are in docs/protocol.md. `runner` must outlive
// the router.
#pragma once

#include <functional>

#include "daemon/commands/command_runner.h"
#include "daemon/request_router.h"

namespace distsync {

void register_agent_handlers(RequestRouter& router, CommandRunner& runner,
                             std::function<nlohmann::json()> live);

}  // namespace distsync
