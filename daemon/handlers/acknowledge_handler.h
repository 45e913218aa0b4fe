// Control op "event.acknowledge": records that an operator acknowledged an event of the log
// (EventAcknowledged), as the seed's Event History does, so every operator sees who
// acknowledged what. Args: `seq` (the event), `by` (1-64 printable characters), `note`
// (optional, at most 500, one line). Reply: {"acknowledged": seq, "seq": the new event's seq}.
// An event not in the log is NotFound; an EventAcknowledged cannot itself be acknowledged.
// history.query lists each page's acknowledgements (daemon/history/acknowledgements.h).
// `runner` must outlive the router. Thread-safe.
#pragma once

#include "daemon/commands/command_runner.h"
#include "daemon/request_router.h"

namespace distsync {

void register_acknowledge_handler(RequestRouter& router, CommandRunner& runner);

}  // namespace distsync
