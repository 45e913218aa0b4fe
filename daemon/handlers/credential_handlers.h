// Control ops for stored credentials (R7): "credential.add" {name, user, domain?, password},
// "credential.list" {} -> {"credentials":[{name, user, domain, servers:[...]}]},
// "credential.remove" {name}, refused while a server names it. docs/protocol.md has the
// details. The password travels only in credential.add's request, over the control socket
// (readable by the daemon's user and group only), and goes nowhere but the store: no reply,
// error, event or log line holds it. `runner` and `store` must outlive the router.
#pragma once

#include "daemon/commands/command_runner.h"
#include "daemon/request_router.h"
#include "daemon/targets/credential_store.h"

namespace distsync {

void register_credential_handlers(RequestRouter& router, CommandRunner& runner,
                                  CredentialStore& store);

}  // namespace distsync
