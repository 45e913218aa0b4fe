// Control ops of the sync engine: "sync.cancel" {job, reason?}, "sync.jobs" {all?},
// "sync.job" {job} (progress, retries as "attempt k of n, next retry at T"), and "report"
// {servers?, format: "json"|"csv"} (the File Status Report, R10). Queuing a sync is
// "sync.start" (daemon/handlers). `service` must outlive the router.
#pragma once

#include "daemon/request_router.h"
#include "daemon/sync/sync_service.h"

namespace distsync {

void register_sync_handlers(RequestRouter& router, SyncService& service);

}  // namespace distsync
