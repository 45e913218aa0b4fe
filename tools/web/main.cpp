// distsync-web: the web console, a thin client of distsyncd (control endpoint and bus) that
// serves the page on 127.0.0.1:8730. Parses flags and wires the parts; tools/web/*.h hold
// the logic.
#include <poll.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "daemon/cli/installed_config.h"
#include "daemon/cli/program_flags.h"
#include "daemon/config.h"
#include "daemon/stop_signal.h"
#include "tools/client/endpoint_resolver.h"
#include "tools/web/client_pool.h"
#include "tools/web/event_feed.h"
#include "tools/web/web_server.h"
#include "tools/web/web_setup.h"

int main(int argc, char** argv) {
  using namespace distsync;
  CLI::App app{"distsync-web: the web console of a distsyncd console"};
  ConfigFlags flags;
  std::optional<std::string> endpoint, assets;
  WebServerOptions options;
  bool allow_remote = false;
  double timeout_s = 5.0;
  const char* user = std::getenv("USER");
  options.operator_name = user ? user : "operator";
  app.add_option("--config", flags.config_file, "TOML config file (default: $DISTSYNC_CONFIG, else the installed one)");
  app.add_option("--data-dir", flags.data_dir, "the daemon's data dir (default ./var)");
  app.add_option("--console", flags.console_id, "console id (default: the one running)");
  app.add_option("--endpoint", endpoint, "control endpoint, overriding the config");
  app.add_option("--listen", options.host, "address to serve on (default 127.0.0.1)");
  app.add_option("--port", options.port, "port to serve on (default 8730; 0: any free one)")
      ->check(CLI::Range(0, 65535));
  app.add_flag("--allow-remote", allow_remote, "allow a --listen address other than loopback");
  app.add_option("--allow-host", options.extra_hosts,
                 "another Host header to accept, e.g. console.example:8730");
  app.add_option("--assets", assets, "dir of the page's files (default: found beside the binary)");
  app.add_flag("--read-only", options.read_only, "hide every write control and refuse writes");
  app.add_option("--operator", options.operator_name,
                 "default name for acknowledgements (default $USER)");
  app.add_option("--timeout", timeout_s, "seconds to wait for each daemon reply (default 5)")
      ->check(CLI::Range(0.1, 3600.0));
  distsync::add_program_flags(app, "distsync-web");  // last: man page and completion
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return distsync::exit_for_parse_error(app, e, "distsync-web");
  }
  auto fail = [](const Status& s, int code) {
    std::cerr << "distsync-web: " << s.message() << "\n";
    return code;
  };
  if (Status s = check_listen_host(options.host, allow_remote); !s.is_ok()) return fail(s, 2);
  auto assets_dir = find_assets_dir(assets);
  if (!assets_dir.ok()) return fail(assets_dir.status(), 1);
  options.assets_dir = *assets_dir;
  auto config = load_client_config(flags);
  if (!config.ok()) return fail(config.status(), 1);
  auto control = resolve_control_endpoint(*config, endpoint);
  if (!control.ok()) return fail(control.status(), 1);
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1000));

  ClientPool pool(*control, timeout);
  auto status = pool.call("status", nlohmann::json::object());
  if (!status.ok()) return fail(status.status(), 1);
  EventFeed feed(*control, status->value("last_seq", std::uint64_t{0}) + 1, 20000, timeout);
  WebServer server(options, pool, feed);
  auto port = server.bind();
  if (!port.ok()) return fail(port.status(), 1);
  auto stop = StopSignal::install();
  if (!stop.ok()) return fail(stop.status(), 1);
  std::thread watcher([&] {
    pollfd p = {(*stop)->fd(), POLLIN, 0};
    while (poll(&p, 1, -1) < 0) {
    }
    server.stop();
  });
  const bool v6 = options.host.find(':') != std::string::npos;
  std::cout << "distsync-web: serving http://" << (v6 ? "[" + options.host + "]" : options.host)
            << ":" << *port << "/ for console " << status->value("console_id", "") << " at "
            << *control << (options.read_only ? " (read-only)" : "") << std::endl;
  server.serve();
  (*stop)->notify();
  watcher.join();
  return 0;
}
