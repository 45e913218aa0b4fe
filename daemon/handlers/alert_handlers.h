// Control op of the alerter: "alerts.status" lists the configured alert rules and the recent
// deliveries (attempts, last status, next retry), newest last. Read-only; the reply never
// holds a header, a headers_file's contents or a command's output. Documented in
// docs/protocol.md and docs/alerts.md. `alerter` must outlive the router.
#pragma once

#include "daemon/alerts/alerter.h"
#include "daemon/request_router.h"

namespace distsync {

void register_alert_handlers(RequestRouter& router, const Alerter& alerter);

}  // namespace distsync
