// Target: where a sync's files go. One distribution server's root, seen through the few
// operations a sync needs of it, so that a local folder, an SMB share or a remote agent plug
// into the sync engine at one seam.
//
// Paths are relative to the target's root and '/'-separated: a component folder is
// "Patches", a file "Patches/kb123.msu". The operations:
//   preflight    (R7) the folder is reachable (created when missing), listable, writable
//                (a probe is really written and removed) and has the free space asked for;
//                a failure names the folder (or share) and the fix;
//   list         the regular files under a folder: relative path, size, mtime, and the
//                SHA-256 where the target has it cheaply (empty otherwise); distsync's own
//                temps are not listed; a missing folder lists as empty;
//   write_batch  the atomic batch protocol: every file goes to a temp beside its final name,
//                one durability barrier makes the temps durable, then they are renamed over
//                their final names and each touched folder is synced. No partial file is
//                ever visible under a final name; a file reported ok is durable, and
//                carries the SHA-256 of what was written when none was expected;
//   remove       exactly the files named (prune), never a folder; remove_stale_temps the
//                temps an interrupted batch left;
//   read_sha256  re-hashes a file as stored, to verify a copy.
//
// Implementations: LocalTarget (a folder of this host), SmbTarget (an SMB share through
// libsmbclient), MemoryTarget (the in-memory twin for tests). Every implementation is thread-safe; a batch and a listing of one folder may run
// at once, but remove_stale_temps REQUIRES that no batch writes under that folder.
#pragma once

#include <atomic>
#include <compare>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/content/atomic_copy.h"
#include "daemon/content/diff.h"
#include "daemon/content/manifest.h"
#include "daemon/content/preflight.h"
#include "events/result.h"

namespace distsync {

// Where a worker finds a target again: the server's root as the operator typed it and the
// name of its credential (never the secret). An empty root means "this host's file system,
// full paths" (a local folder): the TASK frame then carries full target paths, as before
// other kinds of targets existed. target_factory.h opens a Target from one.
struct TargetLocator {
  std::string root;
  std::string credential;
  bool operator==(const TargetLocator&) const = default;
  auto operator<=>(const TargetLocator&) const = default;
};

// One file of a batch.
struct TargetFile {
  std::string source;           // full path of the console's file
  std::string path;             // relative to the target root
  std::string expected_sha256;  // checked when verifying; may be empty
  // The source's stamp as planned. When expected_sha256 is empty the copy hashes the bytes
  // it sends and reports that hash (CopyResult::sha256); with has_stamp it first checks the
  // source still has this size and mtime, so the hash belongs to the planned file.
  bool has_stamp = false;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
};

class Target {
 public:
  virtual ~Target() = default;

  // The root as the operator wrote it, for messages: "/srv/dist/berlin".
  virtual std::string describe() const = 0;

  // Where `path` lives as a full name the copy worker understands (the TASK frame's
  // "target"). For a local folder, the absolute path.
  virtual std::string locate(const std::string& path) const = 0;

  // How a copy worker opens this target again for write_batch of paths from locate().
  virtual TargetLocator locator() const { return {}; }

  // How finely the target keeps a file's mtime: a listed mtime may differ from the one
  // written by less than this (0: exactly). The diff tolerates at least this much skew.
  virtual std::int64_t mtime_granularity_ns() const { return 0; }

  virtual PreflightReport preflight(const std::string& dir, std::uint64_t min_free_bytes) = 0;

  // Entries are relative to `dir`. `cancel` may be null.
  virtual Result<Manifest> list(const std::string& dir, const std::atomic<bool>* cancel) = 0;

  // One result per file, in order. Files with the same path must not appear twice.
  virtual std::vector<CopyResult> write_batch(const std::vector<TargetFile>& files,
                                              const BatchCopyOptions& options) = 0;

  // `paths` are relative to `dir`; a path already gone counts as removed.
  virtual PruneReport remove(const std::string& dir, const std::vector<std::string>& paths) = 0;

  // How many temps it removed under `dir` (recursively).
  virtual Result<std::size_t> remove_stale_temps(const std::string& dir) = 0;

  // not_found when the file does not exist.
  virtual Result<std::string> read_sha256(const std::string& path) = 0;
};

}  // namespace distsync
