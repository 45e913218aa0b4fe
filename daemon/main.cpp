// distsyncd: parses flags and wires the daemon together. The logic lives in daemon/.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "daemon/cli/program_flags.h"
#include "daemon/config.h"
#include "daemon/console/console_services.h"
#include "daemon/daemon.h"
#include "daemon/log_setup.h"
#include "daemon/service_notifier.h"
#include "daemon/stop_signal.h"

int main(int argc, char** argv) {
  using namespace distsync;
  CLI::App app{"distsyncd: keeps distribution servers in sync with a patch console"};
  ConfigFlags flags;
  app.add_option("--config", flags.config_file, "TOML config file (default: $DISTSYNC_CONFIG)");
  app.add_option("--data-dir", flags.data_dir, "directory holding log/ and run/ (default ./var)");
  app.add_option("--console", flags.console_id, "console id (default: the hostname)");
  app.add_option("--control", flags.control_endpoint, "control endpoint (ZeroMQ)");
  app.add_option("--bus", flags.bus_endpoint, "event bus endpoint (ZeroMQ)");
  app.add_option("--log-level", flags.log_level, "trace|debug|info|warn|error|critical|off");
  add_program_flags(app, "distsyncd");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return exit_for_parse_error(app, e, "distsyncd");
  }

  install_daemon_logger("distsyncd");
  auto config = load_config(flags);
  if (!config.ok()) {
    std::cerr << "distsyncd: " << config.status().message() << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));

  auto stop = StopSignal::install();
  if (!stop.ok()) {
    std::cerr << "distsyncd: " << stop.status().message() << "\n";
    return 1;
  }
  ConsoleServices services(*config);
  auto daemon = Daemon::open(*config, DaemonHooks{services.folder()});
  if (!daemon.ok()) {
    std::cerr << "distsyncd: " << daemon.status().message() << "\n";
    return 1;
  }
  if (Status attached = services.attach(**daemon); !attached.is_ok()) {
    std::cerr << "distsyncd: " << attached.message() << "\n";
    return 1;
  }
  std::cout << (*daemon)->ready_line() << std::endl;
  // Under systemd (Type=notify): READY=1 once the control loop answers, STOPPING=1 on stop,
  // WATCHDOG=1 from the control loop when the unit sets WatchdogSec. Otherwise no-ops.
  ServiceNotifier notifier;
  RunHooks hooks;
  hooks.serving = [&] { notifier.ready((*daemon)->ready_line()); };
  hooks.stopping = [&] { notifier.stopping(); };
  hooks.heartbeat_interval = notifier.watchdog_interval();
  hooks.heartbeat = [&] { notifier.watchdog(); };
  Status s = (*daemon)->run((*stop)->fd(), hooks);
  if (!s.is_ok()) {
    std::cerr << "distsyncd: " << s.message() << "\n";
    return 1;
  }
  return 0;
}
