// Control ops of content validation: "validate.start" (servers or groups, component, repair)
// queues one validation per server on the ValidationService and answers at once with their
// ids; "validate.status" (id) says where one stands and, once completed, what it found and
// the repair job it queued. Documented in docs/protocol.md. `runner` and `service` must
// outlive the router.
#pragma once

#include "daemon/commands/command_runner.h"
#include "daemon/request_router.h"
#include "daemon/sync/content_validation.h"

namespace distsync {

void register_validation_handlers(RequestRouter& router, CommandRunner& runner,
                                  ValidationService& service);

}  // namespace distsync
