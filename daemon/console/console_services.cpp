#include "daemon/console/console_services.h"

#include <spdlog/spdlog.h>

#include "daemon/agents/agent_copy_executor.h"
#include "daemon/agents/agent_hub.h"
#include "daemon/agents/agent_target.h"
#include "daemon/agents/agent_watch.h"
#include "daemon/content/durable_file.h"
#include "daemon/handlers/agent_handlers.h"
#include "daemon/targets/local_target.h"
#include "daemon/alerts/alerter.h"
#include "daemon/handlers/alert_handlers.h"
#include "daemon/downloads/download_service.h"
#include "daemon/downloads/download_source_check.h"
#include "daemon/commands/command_runner.h"
#include "daemon/handlers/download_handlers.h"
#include "daemon/handlers/event_handlers.h"
#include "daemon/handlers/history_handlers.h"
#include "daemon/handlers/audit_handlers.h"
#include "daemon/handlers/acknowledge_handler.h"
#include "daemon/handlers/credential_handlers.h"
#include "daemon/handlers/group_handlers.h"
#include "daemon/handlers/validation_handlers.h"
#include "daemon/handlers/rate_plan_handlers.h"
#include "daemon/handlers/schedule_handlers.h"
#include "daemon/handlers/server_handlers.h"
#include "daemon/handlers/sync_handlers.h"
#include "daemon/scheduler/scheduler.h"
#include "daemon/sync/sync_service.h"
#include "daemon/targets/target_factory.h"

namespace distsync {

class ConsoleServices::Impl {
 public:
  explicit Impl(DaemonConfig c) : config(std::move(c)) {}

  // Download locations: what an operator set (DownloadSourceChanged), else the config's.
  DownloadSources download_sources() {
    DownloadSources sources{{"refresh", config.refresh_source}, {"patches", config.patches_source}};
    projections.with_state([&](const ProjectedState& s) {
      for (const auto& [kind, src] : s.downloads.sources.items()) sources[kind] = src.source;
    });
    return sources;
  }

  // A validate schedule's occurrence (or Run now) ran as a command; its validations run here.
  void submit_validations(const std::vector<Started>& started, const std::string& trigger) {
    std::vector<ValidationRequest> requests;
    for (const Started& s : started) {
      if (s.kind == "validate") requests.push_back({s.id, s.server, s.component, trigger, false});
    }
    if (!requests.empty() && validations) validations->submit(std::move(requests));
  }

  DaemonConfig config;
  ProjectionSet projections;
  SystemClock clock;
  std::unique_ptr<CommandRunner> runner;
  std::unique_ptr<CredentialStore> credentials;  // <data_dir>/credentials.json, mode 0600
  std::unique_ptr<Scheduler> scheduler;
  CurveKeyPair console_keys;
  std::unique_ptr<AgentHub> agents;  // declared before sync: outlives it
  std::unique_ptr<AgentWatcher> agent_watch;  // AgentLost / AgentReconnected
  std::unique_ptr<SyncService> sync;
  std::unique_ptr<DownloadService> downloads;
  std::unique_ptr<ValidationService> validations;  // after runner: destroyed before it
  std::unique_ptr<Alerter> alerter;
};

ConsoleServices::ConsoleServices(DaemonConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}
ConsoleServices::~ConsoleServices() = default;

Folder* ConsoleServices::folder() { return &impl_->projections; }

Status ConsoleServices::attach(Daemon& daemon) {
  Impl& d = *impl_;
  EventLog& log = daemon.log();
  RequestRouter& router = daemon.router();
  // Configured download locations reach DownloadStarted events (also through schedules).
  for (const std::string* source : {&d.config.refresh_source, &d.config.patches_source}) {
    if (source->empty()) continue;
    Status ok = check_download_source(*source);
    if (!ok.is_ok()) return Status::invalid_argument("config: " + ok.message());
  }
  // A fresh install has no console content yet: its folders exist, empty, so the File Status
  // Report and a sync see "0 patches" instead of a missing folder.
  for (const std::string* dir : {&d.config.patches_dir, &d.config.datafiles_dir}) {
    Status made = make_dirs_durable(*dir);
    if (!made.is_ok()) {  // not fatal: reports and syncs name the folder when they need it
      spdlog::warn(
          "cannot create the console folder {}: {}; create it or fix patches_dir / "
          "datafiles_dir in the config",
          *dir, made.message());
    }
  }
  d.runner = std::make_unique<CommandRunner>(log, d.projections);
  Status loaded = d.projections.refresh(log);
  if (!loaded.is_ok()) return loaded;

  SchedulerOptions so;
  so.console = d.config.console_id;
  so.grace_us = d.config.catch_up_grace_s * 1'000'000;
  so.clock_us = [&d] { return d.clock.now_us(); };
  so.download_sources = [&d] { return d.download_sources(); };
  so.on_started = [&d](const std::vector<Started>& s) { d.submit_validations(s, "schedule"); };
  d.scheduler = std::make_unique<Scheduler>(log, d.projections, so);

  d.credentials = std::make_unique<CredentialStore>(d.config.data_dir + "/credentials.json");
  // Remote agents (issue 12): the console's CURVE pair, and the hub when an endpoint is set.
  auto keys = load_or_create_key_file(d.config.keys_dir + "/console.key");
  if (!keys.ok()) return Status::invalid_argument("console key: " + keys.status().message());
  d.console_keys = *keys;
  if (!d.config.agent_endpoint.empty()) {
    AgentHubOptions ho;
    ho.endpoint = d.config.agent_endpoint;
    ho.console_keys = d.console_keys;
    ho.allowlist = [&d] {
      return d.projections.with_state([](const ProjectedState& s) {
        std::map<std::string, std::string> out;
        for (const auto& [name, rec] : s.agents.agents.items()) out[rec.public_key] = name;
        return out;
      });
    };
    auto hub = AgentHub::start(std::move(ho));
    if (!hub.ok()) return hub.status();
    d.agents = std::move(hub).value();
    spdlog::info("agent hub listening on {}", d.agents->endpoint());
  }

  TargetOptions targets;
  targets.smb.timeout = std::chrono::milliseconds(d.config.smb_timeout_ms);
  // Where a server's files go: its agent, an SMB share (with its stored credential) or a
  // folder of this host. Syncs and validations open targets the same way.
  auto make_target = [&d, targets](const ServerSpec& spec) -> std::shared_ptr<Target> {
    if (!spec.agent.empty() && d.agents) {
      return std::make_shared<AgentTarget>(*d.agents, spec.pool(), spec.root_path);
    }
    if (!spec.agent.empty()) return make_unreachable_agent_target(spec.agent, spec.root_path);
    // A folder of this host, or an SMB share (with its stored credential).
    return open_target({spec.root_path, spec.credential_ref}, d.credentials.get(), targets);
  };
  SyncServiceOptions sync;
  sync.runner.make_target = make_target;
  if (d.agents) {
    sync.wrap_copies = [&d](CopyExecutor& local,
                            std::function<void(std::vector<CopyOutcome>)> deliver) {
      return std::unique_ptr<CopyExecutor>(
          std::make_unique<AgentCopyExecutor>(
              *d.agents, local, std::move(deliver), [&d](const std::string& server) {
                return d.projections.with_state([&](const ProjectedState& s) {
                  const ServerRecord* rec = s.servers.find(server);
                  return rec ? rec->spec.pool() : std::vector<std::string>{};
                });
              }));
    };
  }
  sync.runner.console = d.config.console_id;
  sync.dispatcher.credentials = d.credentials.get();
  sync.dispatcher.target_options = targets;
  sync.runner.layout = ConsoleLayout{d.config.patches_dir, d.config.datafiles_dir};
  sync.runner.cache_dir = d.config.cache_dir;
  sync.runner.prune_limits.percent = static_cast<std::uint32_t>(d.config.prune_guard_percent);
  sync.runner.prune_limits.max_files = static_cast<std::uint64_t>(d.config.prune_guard_files);
  sync.dispatcher.inproc_workers = static_cast<std::size_t>(d.config.copy_workers);
  sync.dispatcher.external_endpoint = d.config.copy_endpoint;
  sync.dispatcher.max_concurrent = static_cast<std::size_t>(d.config.max_concurrent_copies);
  sync.dispatcher.max_batch_files = static_cast<std::size_t>(d.config.copy_batch_files);
  auto service = SyncService::create(log, d.projections, d.clock, sync);
  if (!service.ok()) return service.status();
  d.sync = std::move(service).value();

  DownloadServiceOptions dso;
  dso.console = d.config.console_id;
  dso.patches_dir = d.config.patches_dir;
  dso.datafiles_dir = d.config.datafiles_dir;
  d.downloads = std::make_unique<DownloadService>(log, d.projections, dso);

  register_event_handlers(router, daemon);
  register_server_handlers(router, *d.runner, d.credentials.get());
  register_credential_handlers(router, *d.runner, *d.credentials);
  register_agent_handlers(router, *d.runner, [&d] {
    nlohmann::json agents = nlohmann::json::array();
    if (d.agents) {
      for (const AgentPresence& a : d.agents->agents()) {
        agents.push_back({{"name", a.name}, {"address", a.address}, {"version", a.version},
                          {"folders", a.folders}, {"last_seen_us", a.last_seen_us},
                          {"connected", a.connected}});
      }
    }
    AgentHubStats stats = d.agents ? d.agents->stats() : AgentHubStats{};
    return nlohmann::json{{"endpoint", d.agents ? d.agents->endpoint() : ""},
                          {"console_key", d.console_keys.public_key},
                          {"agents", agents},
                          {"refused_frames", stats.refused_frames},
                          {"dropped_frames", stats.dropped_frames}};
  });
  ScheduleHandlerOptions sho;
  sho.console = d.config.console_id;
  sho.default_time_zone = d.config.time_zone;
  sho.download_sources = [&d] { return d.download_sources(); };
  sho.on_change = [&d] { d.scheduler->wake(); };
  sho.on_started = [&d](const std::vector<Started>& s) { d.submit_validations(s, "manual"); };
  register_schedule_handlers(router, *d.runner, sho);
  register_sync_handlers(router, *d.runner, *d.sync);
  register_group_handlers(router, *d.runner);
  register_rate_plan_handlers(router, *d.runner, [&d] { return d.clock.now_us(); });
  d.validations = std::make_unique<ValidationService>(
      *d.runner, ConsoleLayout{d.config.patches_dir, d.config.datafiles_dir},
      make_target);
  register_validation_handlers(router, *d.runner, *d.validations);
  register_download_handlers(
      router, *d.runner, *d.downloads,
      {DownloadSources{{"refresh", d.config.refresh_source}, {"patches", d.config.patches_source}}});
  register_history_handlers(router, log, d.config.time_zone);
  register_audit_handlers(router, log, d.config.data_dir, d.config.console_id);
  auto alerter = Alerter::create(
      log, AlerterOptions{d.config.console_id, d.config.alerts, [&d] { return d.clock.now_us(); },
                          d.config.data_dir + "/alerts-" + d.config.console_id + ".json"});
  if (!alerter.ok()) return Status::invalid_argument("config: " + alerter.status().message());
  d.alerter = std::move(alerter).value();
  register_alert_handlers(router, *d.alerter);
  register_acknowledge_handler(router, *d.runner);
  daemon.add_pending_source("jobs", [&d] {
    return d.projections.with_state([](const ProjectedState& s) {
      return static_cast<std::uint64_t>(s.jobs.unfinished().size());
    });
  });
  daemon.add_pending_source("downloads", [&d] {
    return d.projections.with_state([](const ProjectedState& s) {
      return static_cast<std::uint64_t>(s.downloads.running().size());
    });
  });

  // Stop hooks run in reverse order: the scheduler first, then downloads (left running in the
  // log, to resume on the next start), then the sync engine.
  daemon.add_stop_hook([&d] { d.sync->stop(); });
  daemon.add_stop_hook([&d] { d.validations->stop(); });
  daemon.add_stop_hook([&d] { d.downloads->stop(); });
  daemon.add_stop_hook([&d] { d.scheduler->stop(); });
  daemon.add_stop_hook([&d] { d.alerter->stop(); });
  if (d.agents) {
    AgentWatchOptions wo;
    wo.lost_timeout = std::chrono::milliseconds(d.config.agent_lost_timeout_ms);
    wo.now_us = [&d] { return d.clock.now_us(); };
    d.agent_watch = std::make_unique<AgentWatcher>(*d.agents, log, d.projections, std::move(wo));
    daemon.add_stop_hook([&d] { d.agent_watch->stop(); });
  }
  Status started = d.sync->start();
  if (!started.is_ok()) return started;
  d.downloads->start();
  d.scheduler->start();
  d.alerter->start();
  spdlog::info("console {}: scheduler and sync engine started", d.config.console_id);
  return Status::ok();
}

}  // namespace distsync
