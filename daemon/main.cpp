// distsyncd: parses flags and wires the daemon together. The logic lives in daemon/.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "daemon/config.h"
#include "daemon/console/console_services.h"
#include "daemon/daemon.h"
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
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "distsyncd: " << e.what() << "; see --help\n";
    return 2;
  }

  spdlog::set_default_logger(spdlog::stderr_color_mt("distsyncd"));
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
  Status s = (*daemon)->run((*stop)->fd());
  if (!s.is_ok()) {
    std::cerr << "distsyncd: " << s.message() << "\n";
    return 1;
  }
  return 0;
}
