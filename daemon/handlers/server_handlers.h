// Control ops for the server registry: "server.add", "server.edit", "server.remove",
// "server.list" (with optional "as_of"). Arguments and replies are documented in
// docs/protocol.md. `runner` must outlive the router. A server that names a credential
// (credential_ref) is accepted only when `credentials` holds that name (null: none does);
// `credentials`, when given, must outlive the router.
#pragma once

#include "daemon/commands/command_runner.h"
#include "daemon/request_router.h"
#include "daemon/targets/credential_store.h"

namespace distsync {

void register_server_handlers(RequestRouter& router, CommandRunner& runner,
                              const CredentialStore* credentials = nullptr);

nlohmann::json server_json(const ServerRecord& rec);

}  // namespace distsync
