// Manifest: what a content root (the console's Patches/ or DataFiles/, or a target folder)
// holds — each regular file's relative path, size, mtime and SHA-256.
//
// build_manifest walks the tree. It skips distsync temp files (is_temp_name) and files still
// settling (modified within the quiet period), and refuses — reports in `rejected`, never
// lists — names unsafe on a target (see check_content_path), symlinks that leave the root,
// dangling symlinks and special files. Symlinks inside the root are followed to the file or
// directory they name (the console's own folders; download sources follow none, see
// daemon/fetch/directory_source.h); a file is hashed only after its open descriptor is seen
// to lie beneath the root, so a symlink swapped in after the check hashes nothing outside. Hashes
// come from an optional persisted HashCache and are recomputed only for files whose size, mtime or
// inode changed.
//
// Functions are thread-safe as long as two calls do not share a cache_path.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"

namespace distsync {

struct FileEntry {
  std::string path;  // relative to the root, '/'-separated, passes check_content_path
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  // since the Unix epoch
  std::uint64_t inode = 0;
  std::string sha256;  // lower-case hex; empty in a quick manifest until fill_hash()
};

struct RejectedEntry {
  std::string path;    // relative to the root, as found (may hold the offending bytes)
  std::string reason;  // "'..' component", "symlink leaves the content root", ...
};

struct Manifest {
  std::vector<FileEntry> files;         // sorted by path
  std::vector<RejectedEntry> rejected;  // sorted by path
  std::vector<std::string> settling;    // skipped: changed within the quiet period; sorted
  std::size_t hashed = 0;               // files hashed by this build (cache misses)
  std::size_t cache_hits = 0;           // hashes taken from the cache
  std::uint64_t total_bytes = 0;        // sum of files[].size
  // Why the hash cache was ignored (corrupt, truncated, another root's); empty when it was
  // read or did not exist. The build still succeeds: every file it misses is re-hashed.
  std::string cache_problem;

  // The entry for `path`, or nullptr.
  const FileEntry* find(std::string_view path) const;
};

struct ManifestOptions {
  // false: a "quick" manifest with size and mtime only (hashes still taken from the cache
  // when it has them; fill the rest lazily with fill_hash).
  bool hash = true;
  // Where the HashCache lives; empty = no cache. Keep it outside the root, or give it a
  // name starting ".distsync-" so it is not listed as content.
  std::string cache_path;
  // A file whose mtime lies within quiet_period_ns of now (either side, to absorb clock skew
  // on network shares) is still being written: it goes to `settling`, not `files`. 0 = off.
  std::int64_t quiet_period_ns = 0;
  // "Now" for the quiet period, ns since the epoch; 0 = the system clock. Tests inject it.
  std::int64_t now_ns = 0;
  // Checked between files and between hash blocks; cancelled => unavailable.
  const std::atomic<bool>* cancel = nullptr;
};

// not_found when `root` does not exist, invalid_argument when it is not a directory,
// unavailable when cancelled. Unreadable subdirectories and files are reported in
// `rejected`; the cache failing to save is an io_error.
Result<Manifest> build_manifest(const std::string& root, const ManifestOptions& options = {});

// Adds `entries` (paths relative to `root`, with the stamp and hash each was copied with) to
// the hash cache at `cache_path`, keeping what it already held, so that the next manifest of
// `root` takes those hashes from the cache. Entries without a hash are skipped. io_error
// when the cache cannot be written.
// REQUIRES: no build_manifest with the same cache_path runs meanwhile.
Status remember_hashes(const std::string& root, const std::string& cache_path,
                       const std::vector<FileEntry>& entries);

// Hashes the file `entry` names under `root` and stores the hash in `entry`. io_error (or
// not_found) when it cannot be read; conflict when its size or mtime no longer match.
Status fill_hash(const std::string& root, FileEntry* entry);

}  // namespace distsync
