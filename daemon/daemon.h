// Daemon: one console's distsyncd, wiring the console lock, the event log, the bus and the
// control endpoint together.
//
// open() takes the console lock, opens the LMDB event log (telling the optional Folder of
// every event), appends ConsoleStarted, and binds the bus and the control endpoint. Every
// control op, "status" and "events.*" included, is registered on router() from
// daemon/handlers/ before run(); other parts contribute to status' "pending" object via
// add_pending_source(). run() serves until its stop fd becomes readable (a
// signal's self-pipe), then stops the control endpoint, publishes the remaining events,
// drains in-flight appends (closes the log) and joins its threads.
// The Daemon is driven from one thread. The Folder must outlive the Daemon.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "daemon/config.h"
#include "daemon/request_router.h"
#include "events/log/event_log.h"
#include "events/result.h"

namespace distsync {

inline constexpr std::string_view kDaemonVersion = "0.1.0";
inline constexpr std::size_t kMaxReadLimit = 10000;

struct DaemonHooks {
  Folder* folder = nullptr;  // projections; optional
};

// What run() tells its caller about the daemon's life (a service manager, for instance).
// Every member is optional; each runs on run()'s thread.
struct RunHooks {
  std::function<void()> serving;   // once the control endpoint answers requests
  std::function<void()> stopping;  // when the stop fd became readable, before shutting down
  std::chrono::milliseconds heartbeat_interval{0};  // > 0: heartbeat() at least this often
  std::function<void()> heartbeat;                  // while the control loop runs
};

class Daemon {
 public:
  static Result<std::unique_ptr<Daemon>> open(DaemonConfig config, DaemonHooks hooks = {});
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // REQUIRES: before run().
  RequestRouter& router();
  // Adds pending[name] = source() to every "status" reply. REQUIRES: before run().
  void add_pending_source(std::string name, std::function<nlohmann::json()> source);

  // Runs `hook` when run() stops serving, before the log is drained and closed: services that
  // append (scheduler, sync, downloads) stop here. Hooks run in reverse order of adding.
  // REQUIRES: before run().
  void add_stop_hook(std::function<void()> hook);

  EventLog& log();
  const DaemonConfig& config() const;
  // The "status" reply: version, console_id, last_seq, uptime_s, pending, endpoints,
  // data_dir, pid. On the control thread only.
  nlohmann::json status();

  // "distsyncd ready console=<id> control=<endpoint> bus=<endpoint>"
  std::string ready_line() const;

  // Serves until `stop_fd` is readable, then shuts down in order. Returns the first error.
  Status run(int stop_fd, const RunHooks& hooks = {});

  class Impl;

 private:
  explicit Daemon(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
