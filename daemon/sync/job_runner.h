// JobRunner: runs this console's sync jobs from the projection, from SyncQueued to their end.
//
// A supervisor thread watches the log. Each unfinished job whose JobRecord.console is ours
// gets a thread of its own, unless a job of the same server with an overlapping component
// ("all" overlaps both) is running; jobs of different servers run concurrently. A job:
//   1. waits while any download runs (R6): SyncDeferred once per download, then waits for the
//      log to show it ended;
//   2. preflights each target folder (R7) through the server's Target (daemon/targets):
//      reachable, readable, writable, enough free space;
//      a failure is SyncFailed with the operator's fix, and nothing is copied;
//   3. if it had started before (a crash or stop), removes stale temps on the target first;
//   4. plans (sync_plan.h) and appends SyncStarted {attempt = previous + 1} in a Command that
//      re-checks the downloads, so a download that started meanwhile defers it again;
//   5. hands the files to the CopyExecutor (the CopyDispatcher), which copies them in
//      batches; the successes of
//      one batch are FileCopied events appended in one Command (one group commit; the Command
//      checks the projection's was_copied, so a path+hash is never recorded twice in one job);
//      each failure is FileCopyFailed with attempt k of n and the next retry time from the
//      clock. A file renamed into place whose FileCopied was lost to a crash is found up to
//      date by the next plan and counted there, never copied again;
//   6. reports extras, prunes them only when the job asks, and ends with SyncCompleted, or
//      SyncFailed when files failed after every attempt.
// cancel() stops a job's copies (temps removed) and appends SyncCancelled. The destructor
// stops every job without a final event: they resume on the next start, as after a crash.
//
// This file supervises; the steps of a job are sync_job.h, and every event they append is a
// decide_* function (daemon/commands/job_commands.h) run through CommandRunner. A job whose
// append fails (a commit error) ends its thread without a final event, so it stays
// unfinished in the projection and the supervisor starts it again, as after a stop.
//
// Threads share nothing but messages (job mailboxes); the executor's outcome callback
// posts to them via deliver(). `log`, `projections` (the log's Folder), `copies` and
// `clock` must outlive the runner. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/commands/prune_commands.h"
#include "daemon/sync/component_layout.h"
#include "daemon/sync/copy_dispatcher.h"
#include "daemon/sync/retry_policy.h"
#include "daemon/sync/sync_clock.h"
#include "daemon/sync/server_target.h"
#include "events/log/event_log.h"
#include "projections/projection_set.h"

namespace distsync {

struct JobRunnerOptions {
  std::string console;  // only jobs queued by this console run here
  ConsoleLayout layout;
  std::string cache_dir;  // hash caches of the console folders; empty = none
  SyncRetryPolicy retry;
  // Longest a thread blocks on the log before re-checking (stop, cancel of a waiting job).
  std::chrono::milliseconds poll{200};
  std::int64_t mtime_tolerance_ns = 0;
  std::int64_t quiet_period_ns = 0;
  PruneLimits prune_limits;  // the prune guard (daemon/commands/prune_commands.h)
  // The Target a server's files go to; empty = a LocalTarget at the server's root path.
  TargetFactory make_target;
};

class JobRunner {
 public:
  JobRunner(EventLog& log, ProjectionSet& projections, CopyExecutor& copies, SyncClock& clock,
            JobRunnerOptions options);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Starts the supervisor. REQUIRES: called once.
  void start();

  // Cancels an unfinished job of this console. not_found for an unknown or finished job,
  // conflict for another console's job.
  Status cancel(const std::string& job_id, const std::string& reason);

  // Routes copy outcomes to their jobs. Called by the dispatcher's outcome callback with the
  // outcomes of one batch.
  void deliver(std::vector<CopyOutcome> outcomes);

  // Number of jobs with a thread right now (for status).
  std::size_t active_jobs() const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
