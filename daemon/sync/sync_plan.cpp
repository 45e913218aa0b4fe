#include "daemon/sync/sync_plan.h"

#include <future>

#include "daemon/content/diff.h"
#include "daemon/content/durable_file.h"
#include "daemon/content/manifest.h"
#include "daemon/content/safe_path.h"
#include "daemon/sync/status_context.h"

namespace distsync {

std::mutex& ManifestLocks::for_path(const std::string& cache_path) {
  MutexLock lock(&mu_);
  auto& slot = locks_[cache_path];
  if (!slot) slot = std::make_unique<std::mutex>();
  return *slot;
}

Result<SyncPlan> build_sync_plan(const std::vector<ComponentRoot>& roots,
                                 const PlanOptions& options, ManifestLocks& locks) {
  SyncPlan plan;
  if (!options.cache_dir.empty()) {
    Status made = make_dirs_durable(options.cache_dir);
    if (!made.is_ok()) return with_context(made, "cannot create the hash cache folder: ");
  }
  for (const auto& root : roots) {
    ManifestOptions mo;
    mo.hash = true;
    mo.quiet_period_ns = options.quiet_period_ns;
    if (!options.cache_dir.empty()) {
      mo.cache_path = join_path(options.cache_dir, root.component + ".hash-cache");
    }
    DiffOptions d;
    d.verify = options.verify;
    d.mtime_tolerance_ns = options.mtime_tolerance_ns;
    // The target is listed on a second thread while the console side is walked: both are
    // stat-bound, and a no-op re-sync is nothing but these two walks.
    std::future<Result<Manifest>> listed =
        std::async(std::launch::async, [&] { return list_target(root.target_root, d); });
    Result<Manifest> manifest = [&] {
      std::lock_guard<std::mutex> lock(locks.for_path(mo.cache_path));
      return build_manifest(root.source_root, mo);
    }();
    Result<Manifest> target = listed.get();
    if (!manifest.ok()) {
      return with_context(manifest.status(),
                          "cannot read the console's " + root.component + " folder: ");
    }
    if (!target.ok()) {
      return with_context(target.status(), "cannot list " + root.target_root + ": ");
    }
    Result<TargetDiff> diff =
        diff_listed_target(*manifest, root.target_root, std::move(target.value()), d);
    if (!diff.ok()) {
      return with_context(diff.status(), "cannot list " + root.target_root + ": ");
    }
    auto add = [&](const std::string& path) {
      const FileEntry* e = manifest->find(path);
      if (e == nullptr) return;
      std::string rel = root.target_dir + "/" + path;
      if (options.already_copied && options.already_copied(rel, e->sha256)) {
        ++plan.up_to_date;
        return;
      }
      plan.to_copy.push_back(PlannedFile{rel, join_path(root.source_root, path),
                                         join_path(root.target_root, path), e->size, e->mtime_ns,
                                         e->sha256});
      plan.bytes_to_copy += e->size;
    };
    for (const auto& p : diff->missing) add(p);
    for (const auto& p : diff->out_of_date) add(p);
    plan.up_to_date += diff->up_to_date.size();
    plan.extras_total += diff->extra.size();
    if (!diff->extra.empty()) plan.extras[root.target_root] = diff->extra;
  }
  return plan;
}

}  // namespace distsync
