// SyncPlan: what one job must copy, found by diffing the console's folders (manifest with
// hash cache) against the server's, listed through its Target, minus what the job already
// copied before a restart.
//
// build_sync_plan reads the console's trees and the hash cache from the file system and the
// server only through `target`; the ManifestLocks serialise builds that share a cache file.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "daemon/sync/component_layout.h"
#include "daemon/targets/target.h"
#include "events/mutex.h"
#include "events/result.h"

namespace distsync {

struct PlannedFile {
  std::string rel;     // relative to the server root: "Patches/a.msu"
  std::string source;  // full path on the console
  std::string target;  // where the copy worker writes it: Target::locate(rel)
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t inode = 0;
  std::string sha256;  // empty when the copy hashes it (PlanOptions::hash_while_copying)
};

struct SyncPlan {
  std::vector<PlannedFile> to_copy;
  std::uint64_t bytes_to_copy = 0;
  std::uint64_t up_to_date = 0;  // including files this job copied before a restart
  // Per component folder: files on the server the console does not have (relative to it).
  std::map<std::string, std::vector<std::string>> extras;  // target_dir -> paths
  std::uint64_t extras_total = 0;
  std::map<std::string, std::uint64_t> listed;  // target_dir -> files there now (prune guard)
};

// One mutex per cache file: two manifest builds must not share a cache_path.
class ManifestLocks {
 public:
  std::mutex& for_path(const std::string& cache_path);

 private:
  Mutex mu_;
  std::map<std::string, std::unique_ptr<std::mutex>> locks_ GUARDED_BY(mu_);
};

struct PlanOptions {
  std::string cache_dir;  // hash caches "<cache_dir>/<component>.hash-cache"; empty = none
  bool verify = false;    // compare hashes of files whose size and mtime match
  std::int64_t mtime_tolerance_ns = 0;
  std::int64_t quiet_period_ns = 0;
  // Without verify, hash no console file here: size and mtime decide what to copy, and a
  // file the hash cache does not know is hashed by the copy that sends it (one read instead
  // of two); remember_copied_hashes then keeps those hashes for the next plan.
  bool hash_while_copying = true;
  // True when the job already recorded FileCopied for (rel, sha256): never copy it again.
  std::function<bool(const std::string& rel, const std::string& sha256)> already_copied;
  // When not empty, only these paths (relative to the server root) are copied.
  std::set<std::string> only;
};

// `target` is the server the roots' target_dir live on.
Result<SyncPlan> build_sync_plan(const std::vector<ComponentRoot>& roots, Target& target,
                                 const PlanOptions& options, ManifestLocks& locks);

// Puts the hashes that copies computed (files planned without one, each with the sha256 its
// copy reported) into the hash caches under `cache_dir`, so the next plan of these console
// files, for any server, needs no hashing. A no-op for an empty cache_dir.
Status remember_copied_hashes(const std::vector<ComponentRoot>& roots, const std::string& cache_dir,
                              const std::vector<PlannedFile>& copied, ManifestLocks& locks);

}  // namespace distsync
