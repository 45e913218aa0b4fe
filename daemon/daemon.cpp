#include "daemon/daemon.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <climits>
#include <map>
#include <vector>

#include "daemon/bus_publisher.h"
#include "daemon/console_lock.h"
#include "daemon/control_server.h"
#include "daemon/security/client_registry.h"
#include "daemon/security/curve_keys.h"
#include "events/codec.h"
#include "events/log/lmdb_event_log.h"

namespace distsync {

using nlohmann::json;

namespace {

std::string this_hostname() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

bool is_tcp(const std::string& endpoint) { return endpoint.rfind("tcp://", 0) == 0; }

// The CURVE server keys of a tcp:// control or bus endpoint: the console's secret key and
// the control clients file. None when both endpoints are local.
Result<std::optional<CurveServerAuth>> curve_server_auth(const DaemonConfig& c,
                                                         const CurveKeyPair& console_keys) {
  if (!is_tcp(c.control_endpoint) && !is_tcp(c.bus_endpoint)) {
    return std::optional<CurveServerAuth>();
  }
  auto clients = ClientRegistry::open(c.control_clients_file);
  if (!clients.ok()) return clients.status();
  return std::optional<CurveServerAuth>(
      CurveServerAuth{console_keys.secret_key, std::move(clients).value()});
}

}  // namespace

class Daemon::Impl {
 public:
  DaemonConfig config;
  std::unique_ptr<ConsoleLock> lock;
  std::unique_ptr<LmdbEventLog> log;
  RequestRouter router;
  std::map<std::string, std::function<json()>> pending_sources;
  std::vector<std::function<void()>> stop_hooks;
  std::unique_ptr<BusPublisher> bus;
  std::unique_ptr<ControlServer> control;
  std::string console_public_key;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  bool running = false;

  json status() {
    json pending = json::object();
    std::uint64_t head = log->last_seq();
    pending["bus_backlog"] = bus ? head - std::min(head, bus->last_published()) : 0;
    for (const auto& [name, source] : pending_sources) pending[name] = source();
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - started);
    return json{{"version", std::string(kDaemonVersion)},
                {"console_id", config.console_id},
                {"last_seq", head},
                {"uptime_s", uptime.count()},
                {"pending", pending},
                {"control_endpoint", config.control_endpoint},
                {"bus_endpoint", config.bus_endpoint},
                {"console_public_key", console_public_key},
                {"data_dir", config.data_dir},
                {"pid", static_cast<std::int64_t>(getpid())}};
  }

};

Daemon::Daemon(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Daemon::~Daemon() {
  if (impl_->bus) impl_->bus->stop();
  if (impl_->log) impl_->log->close();
}

Result<std::unique_ptr<Daemon>> Daemon::open(DaemonConfig config, DaemonHooks hooks) {
  auto impl = std::make_unique<Impl>();
  impl->config = std::move(config);
  const DaemonConfig& c = impl->config;

  auto lock = ConsoleLock::acquire(c.run_dir, c.console_id, c.data_dir);
  if (!lock.ok()) return lock.status();
  impl->lock = std::move(lock).value();

  LmdbLogOptions log_options;
  log_options.dir = c.log_dir;
  log_options.console = c.console_id;
  log_options.initial_map_bytes = c.initial_map_bytes;
  log_options.folder = hooks.folder;
  auto log = LmdbEventLog::open(std::move(log_options));
  if (!log.ok()) return log.status();
  impl->log = std::move(log).value();

  ConsoleStarted started{std::string(kDaemonVersion), this_hostname(),
                         static_cast<std::int64_t>(getpid())};
  auto appended = impl->log->append({EventDraft{"", started}});
  if (!appended.ok()) return appended.status();
  spdlog::info("console {} started at seq {} on {}", c.console_id, appended->last_seq, c.data_dir);

  // The console's long-term CURVE pair, made on first start: agents and remote clients pin
  // its public key, which status shows.
  auto keys = load_or_create_key_file(c.keys_dir + "/console.key");
  if (!keys.ok()) return Status::invalid_argument("console key: " + keys.status().message());
  impl->console_public_key = keys->public_key;
  auto curve = curve_server_auth(c, *keys);
  if (!curve.ok()) return curve.status();
  // SIGHUP re-reads the clients file (client_registry.h); with local endpoints only it is
  // a no-op, never the end of the daemon (the unit's ExecReload sends it).
  install_client_reload_signal();

  // The bus starts at the head, ConsoleStarted included, so a subscriber that reads the
  // head over control first and then follows the bus misses nothing.
  BusOptions bus_options;
  bus_options.endpoint = c.bus_endpoint;
  bus_options.high_water_mark = c.bus_high_water_mark;
  bus_options.curve = *curve;
  auto bus = BusPublisher::start(bus_options, impl->log.get(), appended->first_seq - 1);
  if (!bus.ok()) return bus.status();
  impl->bus = std::move(bus).value();

  ControlServerOptions control_options;
  control_options.endpoint = c.control_endpoint;
  control_options.max_request_bytes = c.max_request_bytes;
  control_options.curve = *curve;
  auto control = ControlServer::bind(std::move(control_options), &impl->router);
  if (!control.ok()) return control.status();
  impl->control = std::move(control).value();
  return std::unique_ptr<Daemon>(new Daemon(std::move(impl)));
}

RequestRouter& Daemon::router() { return impl_->router; }

nlohmann::json Daemon::status() { return impl_->status(); }

void Daemon::add_pending_source(std::string name, std::function<json()> source) {
  DISTSYNC_CHECK(!impl_->running);
  impl_->pending_sources[std::move(name)] = std::move(source);
}

void Daemon::add_stop_hook(std::function<void()> hook) {
  DISTSYNC_CHECK(!impl_->running);
  impl_->stop_hooks.push_back(std::move(hook));
}

EventLog& Daemon::log() { return *impl_->log; }
const DaemonConfig& Daemon::config() const { return impl_->config; }

std::string Daemon::ready_line() const {
  const DaemonConfig& c = impl_->config;
  return "distsyncd ready console=" + c.console_id + " control=" + c.control_endpoint +
         " bus=" + c.bus_endpoint;
}

Status Daemon::run(int stop_fd, const RunHooks& hooks) {
  impl_->running = true;
  ServeHooks serve_hooks{hooks.serving, hooks.heartbeat_interval, hooks.heartbeat};
  Status served = impl_->control->serve(stop_fd, serve_hooks);
  if (hooks.stopping) hooks.stopping();
  spdlog::info("console {} stopping", impl_->config.console_id);
  // Stop taking requests, publish what the log holds, then drain appends and close.
  impl_->control.reset();
  for (auto it = impl_->stop_hooks.rbegin(); it != impl_->stop_hooks.rend(); ++it) (*it)();
  impl_->bus->stop();
  impl_->log->close();
  spdlog::info("console {} stopped at seq {}", impl_->config.console_id, impl_->log->last_seq());
  return served;
}

}  // namespace distsync
