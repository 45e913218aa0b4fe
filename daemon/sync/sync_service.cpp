#include "daemon/sync/sync_service.h"

#include "events/log/event_log.h"

namespace distsync {

// Hands copy outcomes from the dispatcher's thread to the runner. detach() waits for a
// delivery in progress, so the runner can be destroyed safely right after it.
class OutcomeRelay {
 public:
  void attach(JobRunner* runner) {
    MutexLock lock(&mu_);
    runner_ = runner;
  }
  void detach() { attach(nullptr); }
  void deliver(std::vector<CopyOutcome> outcomes) {
    MutexLock lock(&mu_);
    if (runner_) runner_->deliver(std::move(outcomes));
  }

 private:
  Mutex mu_;
  JobRunner* runner_ GUARDED_BY(mu_) = nullptr;
};

SyncService::SyncService(EventLog& log, ProjectionSet& projections, SyncClock& clock,
                         SyncServiceOptions options)
    : log_(log), projections_(projections), clock_(clock), options_(std::move(options)) {}

Result<std::unique_ptr<SyncService>> SyncService::create(EventLog& log, ProjectionSet& projections,
                                                         SyncClock& clock,
                                                         SyncServiceOptions options) {
  if (options.runner.console.empty()) {
    return Status::invalid_argument("sync service: the console id is empty");
  }
  return std::unique_ptr<SyncService>(new SyncService(log, projections, clock, std::move(options)));
}

SyncService::~SyncService() { stop(); }

Status SyncService::start() {
  MutexLock lock(&mu_);
  if (runner_) return Status::ok();
  // The outcome callback runs on the dispatcher's thread; the runner is created right after.
  auto relay = std::make_shared<OutcomeRelay>();
  DispatcherOptions dispatcher_options = options_.dispatcher;
  dispatcher_options.live_progress = &live_;
  Result<std::unique_ptr<CopyDispatcher>> d = CopyDispatcher::start(
      std::move(dispatcher_options), [relay](std::vector<CopyOutcome> o) { relay->deliver(std::move(o)); });
  if (!d.ok()) return d.status();
  dispatcher_ = std::move(d.value());
  CopyExecutor* copies = dispatcher_.get();
  if (options_.wrap_copies) {
    wrapper_ = options_.wrap_copies(*dispatcher_, [relay](std::vector<CopyOutcome> o) {
      relay->deliver(std::move(o));
    });
    copies = wrapper_.get();
  }
  runner_ = std::make_unique<JobRunner>(log_, projections_, *copies, clock_, options_.runner);
  relay->attach(runner_.get());
  relay_ = std::move(relay);
  runner_->start();
  return Status::ok();
}

void SyncService::stop() {
  MutexLock lock(&mu_);
  if (relay_) relay_->detach();  // no outcome reaches a runner being destroyed
  relay_.reset();
  runner_.reset();      // stops jobs; they resume on the next start
  wrapper_.reset();
  dispatcher_.reset();  // then the workers
  live_.clear();
}

Status SyncService::cancel(const std::string& job_id, const std::string& reason) {
  MutexLock lock(&mu_);
  if (!runner_) return Status::unavailable("the sync service is not running");
  return runner_->cancel(job_id, reason);
}

nlohmann::json SyncService::jobs(bool all) const {
  nlohmann::json out = nlohmann::json::array();
  projections_.with_state([&](const ProjectedState& s) {
    for (const JobRecord* j : s.jobs.unfinished()) out.push_back(job_json(*j));
  });
  if (all) {
    // Finished jobs are evicted from memory; read them from the persisted state.
    (void)log_.read_state([&](std::uint64_t, StateTable& table) {
      JobState::scan_finished(table, [&](const JobRecord& rec) {
        out.push_back(job_json(rec));
        return true;
      });
    });
  }
  return out;
}

Result<JobProgress> SyncService::progress(const std::string& job_id) const {
  std::int64_t now = clock_.now_us();
  std::optional<JobProgress> p = projections_.with_state([&](const ProjectedState& s) {
    const JobRecord* j = s.jobs.find(job_id);
    return j ? std::optional<JobProgress>(job_progress(*j, now, live_.in_flight(job_id)))
             : std::nullopt;
  });
  if (p) return *p;
  JobRecord rec;
  bool found = false;
  (void)log_.read_state([&](std::uint64_t, StateTable& table) {
    found = JobState::read_finished(table, job_id, &rec);
  });
  if (!found)
    return Status::not_found("no job '" + job_id + "'; list jobs with 'distsync sync jobs'");
  return job_progress(rec, now);
}

Result<FileStatusReport> SyncService::report(const std::vector<std::string>& servers) const {
  std::vector<ServerSpec> specs;
  std::string missing;
  std::map<std::string, std::set<std::string>> corrupt;  // from the last validations
  projections_.with_state([&](const ProjectedState& s) {
    for (const auto& [name, v] : s.validations.latest.items()) corrupt[name] = v.corrupt;
    if (servers.empty()) {
      for (const auto& [name, rec] : s.servers.servers.items()) specs.push_back(rec.spec);
      return;
    }
    for (const auto& name : servers) {
      const ServerRecord* rec = s.servers.find(name);
      if (rec == nullptr) {
        missing = name;
        return;
      }
      specs.push_back(rec->spec);
    }
  });
  if (!missing.empty()) {
    return Status::not_found("no server '" + missing +
                             "'; list servers with 'distsync server list'");
  }
  Result<FileStatusReport> report =
      build_file_status_report(options_.runner.layout, specs, options_.runner.cache_dir,
                               options_.runner.make_target);
  if (report.ok() && !corrupt.empty()) {
    std::map<std::string, std::string> patch_dir;
    for (const ServerSpec& spec : specs) {
      auto roots = resolve_components(options_.runner.layout, spec, "patches");
      if (roots.ok()) patch_dir[spec.name] = roots->front().target_dir;
    }
    mark_corrupt(&report.value(), corrupt, patch_dir);
  }
  return report;
}

DispatcherStats SyncService::copy_stats() const {
  MutexLock lock(&mu_);
  return dispatcher_ ? dispatcher_->stats() : DispatcherStats{};
}

std::string SyncService::copy_endpoint() const {
  MutexLock lock(&mu_);
  return dispatcher_ ? dispatcher_->external_endpoint() : "";
}

}  // namespace distsync
