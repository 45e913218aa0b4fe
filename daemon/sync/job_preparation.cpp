#include "daemon/sync/job_preparation.h"

#include "daemon/commands/rate_sources.h"

namespace distsync {

Result<PreparedJob> prepare_sync_job(CommandRunner& commands, const JobRunnerOptions& options,
                                     ManifestLocks& locks, const std::string& id) {
  PreparedJob p;
  bool have_server = commands.projections().with_state([&](const ProjectedState& s) {
    if (const JobRecord* j = s.jobs.find(id)) p.job = *j;
    const ServerRecord* rec = s.servers.find(p.job.server);
    if (rec != nullptr) {
      p.server = rec->spec;
      p.rate_plans = rate_sources(s, rec->spec);
    }
    return rec != nullptr;
  });
  if (!have_server) {
    return Status::not_found("server '" + p.job.server +
                             "' is not registered; add it with 'distsync server add'");
  }
  Result<std::vector<ComponentRoot>> roots =
      resolve_components(options.layout, p.server, p.job.component);
  if (!roots.ok()) return roots.status();
  p.roots = std::move(roots.value());
  p.target = open_server_target(options.make_target, p.server);
  for (const auto& root : p.roots) {
    PreflightReport report = p.target->preflight(root.target_dir, 0);
    if (!report.ok()) return report.status;
  }
  // A job that started before left temps behind only if it was interrupted.
  if (p.job.attempt > 0) {
    for (const auto& root : p.roots) (void)p.target->remove_stale_temps(root.target_dir);
  }
  PlanOptions po;
  po.cache_dir = options.cache_dir;
  po.verify = p.job.verify;
  po.mtime_tolerance_ns = std::max(options.mtime_tolerance_ns, p.target->mtime_granularity_ns());
  po.quiet_period_ns = options.quiet_period_ns;
  po.only.insert(p.job.only.begin(), p.job.only.end());
  po.already_copied = [&](const std::string& rel, const std::string& sha) {
    return commands.projections().with_state(
        [&](const ProjectedState& s) { return s.jobs.was_copied(id, rel, sha); });
  };
  Result<SyncPlan> plan = build_sync_plan(p.roots, *p.target, po, locks);
  if (!plan.ok()) return plan.status();
  p.plan = std::move(plan.value());
  if (p.pruning() && !p.job.force_prune) {
    std::vector<FolderPrune> folders;
    for (const auto& [dir, paths] : p.plan.extras) {
      auto listed = p.plan.listed.find(dir);
      folders.push_back({dir, paths.size(), listed == p.plan.listed.end() ? 0 : listed->second});
    }
    p.prune_refused = prune_guard(folders, options.prune_limits);
    if (p.prune_refused) return p;
  }
  for (const auto& root : p.roots) {
    std::uint64_t need = 0;
    for (const auto& f : p.plan.to_copy) {
      if (f.rel.compare(0, root.target_dir.size() + 1, root.target_dir + "/") == 0) {
        need += f.size;
      }
    }
    // Nothing to write there: the preflight above already proved all this one would (its
    // probe costs a file system commit, and a no-op re-sync would pay two per folder).
    if (need == 0) continue;
    PreflightReport report = p.target->preflight(root.target_dir, need);
    if (!report.ok()) return report.status;
  }
  return p;
}

}  // namespace distsync
