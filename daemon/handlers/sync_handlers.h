// Control ops of manual syncs and the sync engine (docs/protocol.md):
//   "sync.start"  {servers:[...], component?:"all", verify?, prune?} -> {jobs:[{server, job,
//                 joined}]}: queues a sync per server, joining a job already queued for the
//                 same server and component; all or nothing (a command of sync_commands.h)
//   "sync.cancel" {job, reason?}  -> {cancelled: job}
//   "sync.jobs"   {all?}          -> {jobs:[...]}
//   "sync.job"    {job}           -> progress, retries as "attempt k of n, next retry at T"
//   "report"      {servers?, format?: "json"|"csv"} -> the File Status Report (R10)
// `runner` and `service` must outlive the router.
#pragma once

#include "daemon/commands/command_runner.h"
#include "daemon/request_router.h"
#include "daemon/sync/sync_service.h"

namespace distsync {

void register_sync_handlers(RequestRouter& router, CommandRunner& runner, SyncService& service);

}  // namespace distsync
