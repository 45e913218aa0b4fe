// SyncJob: the life of one sync job, from the R6 gate to its final event. Internal to
// distsync_sync; the JobRunner gives each job a thread that calls run().
//
// A job is a state machine stepped by its mailbox (job_mailbox.h); its states and transitions
// are the pure step() of job_machine.h, and this file is the shell that runs the actions:
//   kGate      SyncDeferred while a download runs; woken by "log appended" (the runner's
//              poll of the log) and by cancel/stop;
//   kPrepare   resolve the server's Target, preflight it (R7), clear stale temps of an
//              interrupted attempt, plan, check the free space; then the gate again, which
//              appends SyncStarted unless a download began meanwhile (back to kGate); a
//              plan with nothing to copy or prune has its stale temps removed first and
//              appends SyncCompleted in the same Command as SyncStarted (one commit);
//   kCopy      batches go to the CopyExecutor; "batch done" records FileCopied (one Command
//              per batch) or FileCopyFailed with the next retry time; "retry due" (the
//              injected clock, or a clock jump) resubmits; "cancel" stops the copies;
//              the executor's hold flag (ServerPolicy::hold), read every poll, appends
//              SyncPaused when a closed window first holds the queued batches and
//              SyncResumed when they are handed out again (one pair per window);
//   kEnd       stale temps removed, extras pruned when asked, and the final event.
// "stop" at any point leaves the job without a final event, to resume on the next start.
//
// Every append is a decide_* function of daemon/commands/job_commands.h run through
// CommandRunner. An append that fails is logged and ends the thread without a final event:
// the job stays unfinished in the projection, and the runner starts it again.
//
// Every borrowed reference in SyncJobEnv must outlive run().
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "daemon/commands/command_runner.h"
#include "daemon/sync/copy_dispatcher.h"
#include "daemon/sync/job_mailbox.h"
#include "daemon/sync/job_runner.h"
#include "daemon/sync/sync_plan.h"

namespace distsync {

struct SyncJobEnv {
  CommandRunner& commands;
  CopyExecutor& copies;
  SyncClock& clock;
  const JobRunnerOptions& options;
  ManifestLocks& locks;
  const std::atomic<bool>& stop;             // the runner is stopping
  std::atomic<std::uint64_t>& next_task_id;  // shared by every job of the runner
};

// Runs job `id` until it ends or is stopped. Messages arrive in `mailbox`.
void run_sync_job(SyncJobEnv& env, const std::string& id, JobMailbox& mailbox);

}  // namespace distsync
