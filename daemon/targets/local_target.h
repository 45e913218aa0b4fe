// LocalTarget: a distribution server that is a folder of this host (or a share mounted on
// it). The Target contract (target.h) over the content library: preflight_target, a listing
// that hashes nothing, copy_files_atomic (syncfs or fdatasync barrier), prune,
// remove_stale_temps and sha256_file.
//
// An empty root makes every path absolute as given: the copy worker's view, whose TASK
// frames carry full paths. Stateless apart from its root; thread-safe.
#pragma once

#include <string>

#include "daemon/targets/target.h"

namespace distsync {

class LocalTarget : public Target {
 public:
  explicit LocalTarget(std::string root) : root_(std::move(root)) {}

  std::string describe() const override { return root_; }
  std::string locate(const std::string& path) const override;
  PreflightReport preflight(const std::string& dir, std::uint64_t min_free_bytes) override;
  Result<Manifest> list(const std::string& dir, const std::atomic<bool>* cancel) override;
  std::vector<CopyResult> write_batch(const std::vector<TargetFile>& files,
                                      const BatchCopyOptions& options) override;
  PruneReport remove(const std::string& dir, const std::vector<std::string>& paths) override;
  Result<std::size_t> remove_stale_temps(const std::string& dir) override;
  Result<std::string> read_sha256(const std::string& path) override;

 private:
  std::string root_;
};

}  // namespace distsync
