// Diff of a source manifest against one target folder, and pruning of extra files.
//
// For each source file the target copy is missing, out_of_date (size or mtime differ; with
// verify, also when the SHA-256 differs) or up_to_date. Files on the target that the source
// does not list are `extra`: reported, and removed only when a caller passes them to prune().
// diff_manifests is a pure function; diff_target and prune touch the file system.
// All functions are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/content/manifest.h"
#include "events/result.h"

namespace distsync {

struct DiffOptions {
  // Also compare hashes of files whose size and mtime match (reads every such target file).
  bool verify = false;
  // mtimes within this distance count as equal: targets such as SMB or FAT shares store
  // coarser timestamps than the console. 0 = exact.
  std::int64_t mtime_tolerance_ns = 0;
  const std::atomic<bool>* cancel = nullptr;
  // false: only count the up-to-date files (up_to_date_count), and leave `up_to_date` empty,
  // which saves a string per file on a re-sync that has nothing to do.
  bool list_up_to_date = true;
};

struct TargetDiff {
  std::vector<std::string> missing;  // sorted by path, as are all lists here
  std::vector<std::string> out_of_date;
  std::vector<std::string> up_to_date;  // empty unless DiffOptions::list_up_to_date
  std::size_t up_to_date_count = 0;
  std::vector<std::string> extra;              // on the target only
  std::vector<RejectedEntry> target_rejected;  // target entries that could not be judged
  std::uint64_t bytes_to_copy = 0;             // source size of missing + out_of_date
};

// Pure. With verify, a path whose size and mtime match is up_to_date only when both hashes
// are known and equal.
TargetDiff diff_manifests(const Manifest& source, const Manifest& target,
                          const DiffOptions& options = {});

// Lists `target_root` (a missing root means every file is missing) and diffs it against
// `source`. With verify, hashes the target files whose size and mtime match.
// REQUIRES (verify): every source entry has its sha256; otherwise invalid_argument.
Result<TargetDiff> diff_target(const Manifest& source, const std::string& target_root,
                               const DiffOptions& options = {});

// The two halves of diff_target, so a caller can list the target while it builds the source
// manifest: list_target lists `target_root` without hashing (an empty manifest when it does
// not exist); diff_listed_target diffs that listing (hashing stamp-matching target files
// when verifying).
Result<Manifest> list_target(const std::string& target_root, const DiffOptions& options = {});
Result<TargetDiff> diff_listed_target(const Manifest& source, const std::string& target_root,
                                      Manifest target, const DiffOptions& options = {});

struct PruneReport {
  std::vector<std::string> removed;
  std::vector<RejectedEntry> failed;  // unsafe path, outside the root, or unlink error
};

// Removes exactly the files `paths` (relative to `target_root`, typically TargetDiff::extra)
// and nothing else: never directories, never through a symlink that leaves the root.
// A path already gone counts as removed.
PruneReport prune(const std::string& target_root, const std::vector<std::string>& paths);

}  // namespace distsync
