// MemoryTarget: the in-memory twin of LocalTarget, for unit tests of the sync engine (as
// leveldb's memenv is for its Env). Files live in a map; a batch reads each source file from
// the console's disk (or from `set_source_reader`) and lands all its files at once, so a test
// sees the same all-or-nothing visibility as on disk.
//
// Test hooks inject what a real share does: a preflight failure, a limited free space, a
// failure of the next write of a path (for retries), planted temps. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "daemon/targets/target.h"
#include "events/mutex.h"

namespace distsync {

struct MemoryFile {
  std::string data;
  std::int64_t mtime_ns = 0;
};

class MemoryTarget : public Target {
 public:
  explicit MemoryTarget(std::string name = "mem:/dist") : name_(std::move(name)) {}

  std::string describe() const override { return name_; }
  std::string locate(const std::string& path) const override { return path; }
  PreflightReport preflight(const std::string& dir, std::uint64_t min_free_bytes) override;
  Result<Manifest> list(const std::string& dir, const std::atomic<bool>* cancel) override;
  std::vector<CopyResult> write_batch(const std::vector<TargetFile>& files,
                                      const BatchCopyOptions& options) override;
  PruneReport remove(const std::string& dir, const std::vector<std::string>& paths) override;
  Result<std::size_t> remove_stale_temps(const std::string& dir) override;
  Result<std::string> read_sha256(const std::string& path) override;

  // Test hooks.
  void put(const std::string& path, MemoryFile file);
  std::map<std::string, MemoryFile> files() const;  // path -> file, temps included
  void fail_preflight(PreflightReport report);      // every later preflight returns it
  void set_free_bytes(std::uint64_t bytes);         // default: unlimited
  // The next `times` writes of `path` fail with `failure` (their temps are removed).
  void fail_writes(const std::string& path, CopyFailure failure, int times = 1);
  // Source contents by full path, instead of reading the console's disk.
  void set_source_reader(std::function<Result<MemoryFile>(const std::string& source)> reader);
  std::size_t batches_written() const;

 private:
  Result<MemoryFile> read_source(const std::string& source) const;

  const std::string name_;
  mutable Mutex mu_;
  std::map<std::string, MemoryFile> files_ GUARDED_BY(mu_);
  std::optional<PreflightReport> preflight_failure_ GUARDED_BY(mu_);
  std::optional<std::uint64_t> free_bytes_ GUARDED_BY(mu_);
  std::map<std::string, std::pair<CopyFailure, int>> write_failures_ GUARDED_BY(mu_);
  std::function<Result<MemoryFile>(const std::string&)> source_reader_ GUARDED_BY(mu_);
  std::size_t batches_ GUARDED_BY(mu_) = 0;
};

}  // namespace distsync
