#include "daemon/targets/local_target.h"

#include "daemon/content/safe_path.h"
#include "daemon/content/sha256_file.h"

namespace distsync {

std::string LocalTarget::locate(const std::string& path) const {
  return root_.empty() ? path : join_path(root_, path);
}

PreflightReport LocalTarget::preflight(const std::string& dir, std::uint64_t min_free_bytes) {
  PreflightOptions o;
  o.min_free_bytes = min_free_bytes;
  return preflight_target(locate(dir), o);
}

Result<Manifest> LocalTarget::list(const std::string& dir, const std::atomic<bool>* cancel) {
  DiffOptions o;
  o.cancel = cancel;
  return list_target(locate(dir), o);
}

std::vector<CopyResult> LocalTarget::write_batch(const std::vector<TargetFile>& files,
                                                 const BatchCopyOptions& options) {
  std::vector<CopyRequest> requests;
  requests.reserve(files.size());
  for (const TargetFile& f : files)
    requests.push_back(
        {f.source, locate(f.path), f.expected_sha256, f.has_stamp, f.size, f.mtime_ns});
  return copy_files_atomic(requests, options);
}

PruneReport LocalTarget::remove(const std::string& dir, const std::vector<std::string>& paths) {
  return prune(locate(dir), paths);
}

Result<std::size_t> LocalTarget::remove_stale_temps(const std::string& dir) {
  return distsync::remove_stale_temps(locate(dir));
}

Result<std::string> LocalTarget::read_sha256(const std::string& path) {
  return sha256_file(locate(path));
}

}  // namespace distsync
