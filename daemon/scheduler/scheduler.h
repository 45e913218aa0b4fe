// Scheduler: fires this console's schedules when they fall due.
//
// tick() runs decide_fire_due (daemon/commands/fire_commands.h) as one command in the log, at
// the injected clock's "now"; tests call it directly and never sleep. start() runs a thread
// that ticks, then waits until the next schedule falls due, wake() is called, a minute passes
// (to notice schedules another process added), or stop(). The destructor stops and joins.
// `log` and `projections` must outlive the Scheduler. Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <thread>

#include "daemon/commands/fire_commands.h"
#include "events/log/event_log.h"
#include "events/mutex.h"
#include "projections/projection_set.h"

namespace distsync {

struct SchedulerOptions {
  std::string console;
  std::int64_t grace_us = 24LL * 3600 * 1'000'000;
  std::function<std::int64_t()> clock_us;           // UTC microseconds
  std::function<DownloadSources()> download_sources;  // may be empty
  // Called after a tick's command committed, with what it started (validations need a
  // service to run them); may be empty.
  std::function<void(const std::vector<Started>&)> on_started;
};

class Scheduler {
 public:
  Scheduler(EventLog& log, ProjectionSet& projections, SchedulerOptions options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  Result<FireOutcome> tick();
  void start();
  void wake();
  void stop();

 private:
  void run();

  EventLog& log_;
  ProjectionSet& projections_;
  SchedulerOptions options_;
  Mutex mu_;
  CondVar cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  bool woken_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace distsync
