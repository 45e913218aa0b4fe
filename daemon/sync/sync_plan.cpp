#include "daemon/sync/sync_plan.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <future>
#include <optional>

#include "daemon/content/diff.h"
#include "daemon/content/durable_file.h"
#include "daemon/content/hash_cache.h"
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

namespace {

// With verify, a target file whose size and mtime match needs its hash to be judged: take
// the one the listing gave, else have the target re-hash it. An unreadable file keeps an
// empty hash and so counts as out of date.
void hash_stamp_matches(const Manifest& source, const std::string& dir, Target& target,
                        const DiffOptions& d, Manifest* listed) {
  for (FileEntry& t : listed->files) {
    if (!t.sha256.empty()) continue;
    const FileEntry* s = source.find(t.path);
    if (s == nullptr || s->size != t.size) continue;
    std::int64_t skew = s->mtime_ns - t.mtime_ns;
    if ((skew < 0 ? -skew : skew) > d.mtime_tolerance_ns) continue;
    Result<std::string> h = target.read_sha256(join_path(dir, t.path));
    if (h.ok()) t.sha256 = std::move(h.value());
  }
}

// Gives the files `diff` will copy the hashes the cache at `cache_path` holds for their
// current stamp (size, mtime, inode); the others keep an empty hash, for their copy to take.
void fill_cached_hashes(const std::string& cache_path, const std::string& source_root,
                        const TargetDiff& diff, Manifest* manifest, ManifestLocks& locks) {
  std::optional<std::string> real_root;
  if (char* r = ::realpath(source_root.c_str(), nullptr)) {
    real_root = r;
    std::free(r);
  }
  if (!real_root) return;  // the copies hash every file, as without a cache
  HashCache cache = [&] {
    std::lock_guard<std::mutex> lock(locks.for_path(cache_path));
    HashCache c = HashCache::load(cache_path, *real_root);
    // An old (text) cache is read once and rewritten in the binary format.
    if (c.loaded_old_format()) {
      if (Status s = c.save(); !s.is_ok()) {
        spdlog::warn("cannot upgrade the hash cache: {}", s.message());
      }
    }
    return c;
  }();
  if (Status why = cache.load_status(); !why.is_ok() && why.code() != Status::Code::kNotFound) {
    spdlog::warn("hash cache ignored, its files are hashed by their copies: {}", why.message());
  }
  if (cache.size() == 0) return;
  auto fill = [&](const std::string& path) {
    auto it = std::lower_bound(
        manifest->files.begin(), manifest->files.end(), path,
        [](const FileEntry& e, const std::string& p) { return e.path < p; });
    if (it == manifest->files.end() || it->path != path || !it->sha256.empty()) return;
    if (const std::string* h = cache.find(path, it->size, it->mtime_ns, it->inode)) it->sha256 = *h;
  };
  for (const auto& p : diff.missing) fill(p);
  for (const auto& p : diff.out_of_date) fill(p);
}

}  // namespace

Result<SyncPlan> build_sync_plan(const std::vector<ComponentRoot>& roots, Target& target,
                                 const PlanOptions& options, ManifestLocks& locks) {
  SyncPlan plan;
  if (!options.cache_dir.empty()) {
    Status made = make_dirs_durable(options.cache_dir);
    if (!made.is_ok()) return with_context(made, "cannot create the hash cache folder: ");
  }
  for (const auto& root : roots) {
    ManifestOptions mo;
    mo.hash = options.verify || !options.hash_while_copying;
    mo.quiet_period_ns = options.quiet_period_ns;
    const std::string cache_path =
        options.cache_dir.empty() ? "" : join_path(options.cache_dir, root.component + ".hash-cache");
    // Without hashing here, a cached hash only saves the copy of that file its hashing, so the
    // cache is read after the diff, and only when something is to be copied: a no-op re-sync
    // never parses it (for 20,000 files it was most of the console walk's time).
    const bool cache_after_diff = !mo.hash;
    if (!cache_after_diff) mo.cache_path = cache_path;
    DiffOptions d;
    d.verify = options.verify;
    d.mtime_tolerance_ns = options.mtime_tolerance_ns;
    d.list_up_to_date = false;  // the plan needs their number only
    // The target is listed on a second thread while the console side is walked: both are
    // stat-bound, and a no-op re-sync is nothing but these two walks.
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    Clock::time_point listed_at;
    std::future<Result<Manifest>> listed = std::async(std::launch::async, [&] {
      Result<Manifest> m = target.list(root.target_dir, d.cancel);
      listed_at = Clock::now();
      return m;
    });
    Result<Manifest> manifest = [&] {
      std::lock_guard<std::mutex> lock(locks.for_path(mo.cache_path));
      return build_manifest(root.source_root, mo);
    }();
    const auto manifest_at = Clock::now();
    if (manifest.ok() && !manifest->cache_problem.empty()) {
      spdlog::warn("hash cache ignored, its files are hashed again: {}", manifest->cache_problem);
    }
    Result<Manifest> on_target = listed.get();
    if (manifest.ok() && on_target.ok()) {
      auto ms = [&](Clock::time_point t) {
        return std::chrono::duration<double, std::milli>(t - t0).count();
      };
      spdlog::debug(
          "plan {}: console manifest {:.1f} ms ({} files, {} hashed, {} from the cache), "
          "target listing {:.1f} ms ({} files)",
          root.component, ms(manifest_at), manifest->files.size(), manifest->hashed,
          manifest->cache_hits, ms(listed_at), on_target->files.size());
    }
    if (!manifest.ok()) {
      return with_context(manifest.status(),
                          "cannot read the console's " + root.component + " folder: ");
    }
    const std::string where = join_path(target.describe(), root.target_dir);
    if (!on_target.ok()) return with_context(on_target.status(), "cannot list " + where + ": ");
    if (d.verify) {
      for (const FileEntry& e : manifest->files) {
        if (e.sha256.empty()) {
          return Status::invalid_argument("cannot verify " + where + ": " + e.path +
                                          " of the console has no hash");
        }
      }
      hash_stamp_matches(*manifest, root.target_dir, target, d, &on_target.value());
    }
    TargetDiff diff = diff_manifests(*manifest, *on_target, d);
    if (cache_after_diff && !cache_path.empty() &&
        (!diff.missing.empty() || !diff.out_of_date.empty())) {
      fill_cached_hashes(cache_path, root.source_root, diff, &manifest.value(), locks);
    }
    auto add = [&](const std::string& path) {
      const FileEntry* e = manifest->find(path);
      if (e == nullptr) return;
      std::string rel = root.target_dir + "/" + path;
      if (!options.only.empty() && options.only.count(rel) == 0) return;
      if (options.already_copied && options.already_copied(rel, e->sha256)) {
        ++plan.up_to_date;
        return;
      }
      plan.to_copy.push_back(PlannedFile{rel, join_path(root.source_root, path), target.locate(rel),
                                         e->size, e->mtime_ns, e->inode, e->sha256});
      plan.bytes_to_copy += e->size;
    };
    for (const auto& p : diff.missing) add(p);
    for (const auto& p : diff.out_of_date) add(p);
    plan.up_to_date += diff.up_to_date_count;
    plan.extras_total += diff.extra.size();
    plan.listed[root.target_dir] = on_target->files.size();
    if (!diff.extra.empty()) plan.extras[root.target_dir] = diff.extra;
  }
  return plan;
}

Status remember_copied_hashes(const std::vector<ComponentRoot>& roots, const std::string& cache_dir,
                              const std::vector<PlannedFile>& copied, ManifestLocks& locks) {
  if (cache_dir.empty() || copied.empty()) return Status::ok();
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& root : roots) {
    const std::string prefix = root.target_dir + "/";
    std::vector<FileEntry> entries;
    for (const PlannedFile& f : copied) {
      if (f.rel.compare(0, prefix.size(), prefix) != 0) continue;
      entries.push_back(
          FileEntry{f.rel.substr(prefix.size()), f.size, f.mtime_ns, f.inode, f.sha256});
    }
    if (entries.empty()) continue;
    const std::string cache_path = join_path(cache_dir, root.component + ".hash-cache");
    std::lock_guard<std::mutex> lock(locks.for_path(cache_path));
    Status s = remember_hashes(root.source_root, cache_path, entries);
    if (!s.is_ok()) return with_context(s, "cannot update the hash cache: ");
  }
  spdlog::debug("hash cache: {} hashes from copies remembered in {:.1f} ms", copied.size(),
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                    .count());
  return Status::ok();
}

}  // namespace distsync
