// ConsoleServices: everything one console runs beside the daemon core, wired together: the
// projections (the log's Folder), the command handlers (servers, schedules, manual syncs,
// history), the scheduler, the download service and the sync engine.
//
// Use in two steps, because the Daemon opens the log with the projections as its Folder:
//   ConsoleServices services(config);
//   auto daemon = Daemon::open(config, {services.folder()});
//   services.attach(**daemon);   // registers ops, stop hooks; starts the services
// The services stop when the daemon stops serving, before it closes the log.
// ConsoleServices must outlive the Daemon's run(). Not thread-safe; driven from main.
#pragma once

#include <memory>

#include "daemon/config.h"
#include "daemon/daemon.h"
#include "events/log/event_log.h"

namespace distsync {

class ConsoleServices {
 public:
  explicit ConsoleServices(DaemonConfig config);
  ~ConsoleServices();
  ConsoleServices(const ConsoleServices&) = delete;
  ConsoleServices& operator=(const ConsoleServices&) = delete;

  Folder* folder();
  Status attach(Daemon& daemon);

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
