// Atomic copy of one file onto a target, and clean-up of the temps a crash leaves behind.
//
// copy_file_atomic never lets a partial file appear under its final name: it writes a temp
// `.distsync-<random>.distsync-tmp` in the target folder (copy_file_range, falling back to
// read/write across file systems), optionally verifies its SHA-256, gives it the source's
// times, fsyncs it, renames it over the final name and fsyncs the folder. Missing parent
// folders are created durably. On any failure the temp is removed and the result says why,
// classified so a caller can record the cause (CopyFailure).
//
// copy_files_atomic does the same for a batch with one durability barrier instead of one per
// file: it writes and closes every temp, makes them durable together (one syncfs(2) per
// target file system, or an fdatasync of each temp), renames them all and fsyncs each target
// folder once. A file that fails (vanished, changed, no space) is reported and its temp
// removed; the others still land. A cancel seen before the renames removes every temp.
//
// A big file's bytes reach the disk while the copy runs. A file of 1 MiB or more is written
// past the page cache (O_DIRECT from an aligned buffer, direct_io.h; buffered, with its
// writeback started per chunk, where the file system refuses it), so the disk takes it at its
// own speed and the barrier has only metadata left to commit. A smaller file is written
// buffered and left to the batch's one barrier, which writes all of them back in one pass.
// A batch publishes a new file with renameat2(RENAME_NOREPLACE) and frees a replaced file's
// blocks after the folder sync, not inside the rename. A copy whose expected SHA-256 is
// unknown hashes the bytes as it copies them (one read of the source serves both) and
// reports the hash; given the stamp the plan saw (size and mtime), it refuses a source that
// changed since, so the hash it reports belongs to that stamp.
//
// Thread-safe: concurrent copies may share a BandwidthLimiter. Borrowed pointers in
// CopyOptions must outlive the call.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/content/bandwidth_limiter.h"
#include "events/result.h"

namespace distsync {

enum class CopyFailure {
  kNone,
  kNoSpace,           // ENOSPC / EDQUOT on the target
  kPermissionDenied,  // EACCES / EPERM on the source or the target
  kSourceVanished,    // the source no longer exists
  kIOError,           // anything else, including a source that changed during the copy
  kCancelled,         // the cancel flag was raised
};

// "none", "no_space", "permission_denied", "source_vanished", "io_error", "cancelled".
std::string_view copy_failure_name(CopyFailure failure);

struct CopyOptions {
  // Re-hash the temp before the rename and compare with expected_sha256 (or, when that is
  // empty, with a hash of the source read through the same descriptor).
  bool verify = false;
  std::string expected_sha256;
  // With expected_sha256 empty: hash the bytes while copying them and report the hash.
  bool hash_while_copying = true;
  // The stamp the caller planned with; when set and the source's differs, the copy fails
  // ("source changed since the sync was planned"). expected_mtime_ns is ns since the epoch.
  bool has_expected_stamp = false;
  std::uint64_t expected_size = 0;
  std::int64_t expected_mtime_ns = 0;
  BandwidthLimiter* limiter = nullptr;        // shared across copies; null = unlimited
  const std::atomic<bool>* cancel = nullptr;  // checked between chunks
  bool use_copy_file_range = true;            // false: plain read/write (tests, benchmarks)
  // Files of at least direct_min_bytes are written with O_DIRECT (see above); false: every
  // file goes through the page cache.
  bool direct_io = true;
  std::uint64_t direct_min_bytes = 1 << 20;
  std::uint64_t chunk_bytes = 8 << 20;
  // false: skip the fsync of the target folder after the rename. The copy is then durable
  // only once the caller has called fsync_dir (durable_file.h) on the target's folder; a
  // caller copying many files into one folder does that once per batch, not per file.
  bool sync_dir = true;
  // When set, each chunk's bytes are added to it as soon as they are written (live progress;
  // shared by every copy of a batch, read by another thread).
  std::atomic<std::uint64_t>* written = nullptr;
};

struct [[nodiscard]] CopyResult {
  Status status;  // ok, or not_found / io_error / unavailable (cancelled) naming the cause
  CopyFailure failure = CopyFailure::kNone;
  std::uint64_t bytes = 0;  // bytes written to the target
  std::string sha256;       // the verified hash, or the hash taken while copying
  bool ok() const { return status.is_ok(); }
};

// Copies the regular file `source` to `target` (both full paths), atomically.
CopyResult copy_file_atomic(const std::string& source, const std::string& target,
                            const CopyOptions& options = {});

// One file of a batch: full paths, and the expected SHA-256 when verifying (may be empty).
struct CopyRequest {
  std::string source;
  std::string target;
  std::string expected_sha256;
  // The planned stamp of the source (see CopyOptions); has_stamp false = not checked.
  bool has_stamp = false;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
};

// How a batch makes its temps durable before renaming them.
enum class BatchSync {
  kSyncfs,     // one syncfs(2) per target file system
  kFdatasync,  // fdatasync(2) of each temp as it is closed
};

// Where one batch spent its time, in nanoseconds of wall time (for debug logs and profiles).
struct BatchTimings {
  std::int64_t write_ns = 0;     // opening, copying (and hashing), closing every temp
  std::int64_t barrier_ns = 0;   // syncfs / fdatasync
  std::int64_t rename_ns = 0;    // the renames
  std::int64_t dir_sync_ns = 0;  // the folder fsyncs
};

struct BatchCopyOptions {
  bool verify = false;
  BandwidthLimiter* limiter = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  bool use_copy_file_range = true;
  bool direct_io = true;  // see CopyOptions
  std::uint64_t direct_min_bytes = 1 << 20;
  std::uint64_t chunk_bytes = 8 << 20;
  BatchSync sync = BatchSync::kSyncfs;
  bool hash_while_copying = true;   // for requests without expected_sha256 (see CopyOptions)
  BatchTimings* timings = nullptr;  // filled when given
  std::atomic<std::uint64_t>* written = nullptr;  // see CopyOptions::written
};

// Copies every request atomically (see above) and returns one result per request, in order.
// On return every ok file is durable under its final name, folder entry included; no failed
// file left a temp. Files with the same target must not appear twice in one batch.
std::vector<CopyResult> copy_files_atomic(const std::vector<CopyRequest>& requests,
                                          const BatchCopyOptions& options = {});

// Deletes every regular file named `*.distsync-tmp` under `dir` (recursively, without
// following symlinks) and returns how many it deleted. A missing `dir` deletes nothing.
// REQUIRES: no copy into `dir` is running (its temp would be deleted too).
Result<std::size_t> remove_stale_temps(const std::string& dir);

}  // namespace distsync
