#include "daemon/console/console_services.h"

#include <spdlog/spdlog.h>

#include "daemon/content/durable_file.h"
#include "daemon/downloads/download_service.h"
#include "daemon/downloads/download_source_check.h"
#include "daemon/handlers/command_runner.h"
#include "daemon/handlers/download_handlers.h"
#include "daemon/handlers/event_handlers.h"
#include "daemon/handlers/history_handlers.h"
#include "daemon/handlers/acknowledge_handler.h"
#include "daemon/handlers/credential_handlers.h"
#include "daemon/handlers/group_handlers.h"
#include "daemon/handlers/validation_handlers.h"
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

  DaemonConfig config;
  ProjectionSet projections;
  SystemClock clock;
  std::unique_ptr<CommandRunner> runner;
  std::unique_ptr<CredentialStore> credentials;  // <data_dir>/credentials.json, mode 0600
  std::unique_ptr<Scheduler> scheduler;
  std::unique_ptr<SyncService> sync;
  std::unique_ptr<DownloadService> downloads;
  std::unique_ptr<ValidationService> validations;  // after runner: destroyed before it
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
  d.scheduler = std::make_unique<Scheduler>(log, d.projections, so);

  d.credentials = std::make_unique<CredentialStore>(d.config.data_dir + "/credentials.json");
  SyncServiceOptions sync;
  sync.runner.console = d.config.console_id;
  sync.runner.make_target = [&d](const ServerSpec& s) {
    return open_target({s.root_path, s.credential_ref}, d.credentials.get());
  };
  sync.dispatcher.credentials = d.credentials.get();
  sync.runner.layout = ConsoleLayout{d.config.patches_dir, d.config.datafiles_dir};
  sync.runner.cache_dir = d.config.cache_dir;
  sync.runner.prune_limits.percent = static_cast<std::uint32_t>(d.config.prune_guard_percent);
  sync.runner.prune_limits.max_files = static_cast<std::uint64_t>(d.config.prune_guard_files);
  sync.dispatcher.inproc_workers = static_cast<std::size_t>(d.config.copy_workers);
  sync.dispatcher.external_endpoint = d.config.copy_endpoint;
  sync.dispatcher.max_concurrent = static_cast<std::size_t>(d.config.max_concurrent_copies);
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
  ScheduleHandlerOptions sho;
  sho.console = d.config.console_id;
  sho.default_time_zone = d.config.time_zone;
  sho.download_sources = [&d] { return d.download_sources(); };
  sho.on_change = [&d] { d.scheduler->wake(); };
  register_schedule_handlers(router, *d.runner, sho);
  register_sync_handlers(router, *d.runner, *d.sync);
  register_group_handlers(router, *d.runner);
  d.validations = std::make_unique<ValidationService>(
      *d.runner, ConsoleLayout{d.config.patches_dir, d.config.datafiles_dir});
  register_validation_handlers(router, *d.runner, *d.validations);
  register_download_handlers(
      router, *d.runner, *d.downloads,
      {DownloadSources{{"refresh", d.config.refresh_source}, {"patches", d.config.patches_source}}});
  register_history_handlers(router, log, d.config.time_zone);
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
  Status started = d.sync->start();
  if (!started.is_ok()) return started;
  d.downloads->start();
  d.scheduler->start();
  spdlog::info("console {}: scheduler and sync engine started", d.config.console_id);
  return Status::ok();
}

}  // namespace distsync
