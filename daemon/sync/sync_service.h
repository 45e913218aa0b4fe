// SyncService: the sync engine of one console, as the daemon wires it: a CopyDispatcher with
// its in-process workers (and optionally an endpoint for distsync-worker processes) and the
// JobRunner, plus the queries the control ops answer (jobs, progress, File Status Report).
//
// create() binds the copy endpoint; start() starts the workers and the runner; stop() (and
// the destructor) stops the runner first, then the dispatcher, so no job is left waiting for
// a copy. Copy outcomes that arrive once stop() has begun are dropped: the jobs they belong
// to are left unfinished and resume (re-listing the target) on the next start. `log`, `projections` (the log's Folder) and `clock` must outlive the service.
// Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "daemon/sync/copy_dispatcher.h"
#include "daemon/sync/file_status_report.h"
#include "daemon/sync/job_progress.h"
#include "daemon/sync/job_runner.h"
#include "daemon/sync/live_progress.h"
#include "events/mutex.h"

namespace distsync {

class OutcomeRelay;

struct SyncServiceOptions {
  JobRunnerOptions runner;
  DispatcherOptions dispatcher;
  // Optional: an executor in front of the dispatcher (remote agents route their tasks there,
  // the rest to `dispatcher`), given the outcome callback that reaches the job runner.
  std::function<std::unique_ptr<CopyExecutor>(
      CopyExecutor& dispatcher, std::function<void(std::vector<CopyOutcome>)> deliver)>
      wrap_copies;
};

class SyncService {
 public:
  static Result<std::unique_ptr<SyncService>> create(EventLog& log, ProjectionSet& projections,
                                                     SyncClock& clock, SyncServiceOptions options);
  ~SyncService();
  SyncService(const SyncService&) = delete;
  SyncService& operator=(const SyncService&) = delete;

  Status start();
  void stop();

  Status cancel(const std::string& job_id, const std::string& reason = "");
  // Unfinished jobs (all consoles), or with `all`, also this log's finished ones.
  nlohmann::json jobs(bool all) const;
  // not_found for an unknown job.
  Result<JobProgress> progress(const std::string& job_id) const;
  // REQUIRES: every name is a registered server (else not_found naming it); empty = all.
  Result<FileStatusReport> report(const std::vector<std::string>& servers) const;

  DispatcherStats copy_stats() const;
  std::string copy_endpoint() const;  // the external endpoint as bound; empty when none

 private:
  SyncService(EventLog& log, ProjectionSet& projections, SyncClock& clock,
              SyncServiceOptions options);

  EventLog& log_;
  ProjectionSet& projections_;
  SyncClock& clock_;
  const SyncServiceOptions options_;
  mutable Mutex mu_;  // serialises start/stop against the calls that use the runner
  std::unique_ptr<CopyDispatcher> dispatcher_ GUARDED_BY(mu_);
  std::unique_ptr<CopyExecutor> wrapper_ GUARDED_BY(mu_);  // from wrap_copies
  std::unique_ptr<JobRunner> runner_ GUARDED_BY(mu_);
  std::shared_ptr<OutcomeRelay> relay_ GUARDED_BY(mu_);  // dispatcher thread -> runner_
  LiveProgress live_;  // bytes written by batches in flight, fed by dispatcher_
};

}  // namespace distsync
