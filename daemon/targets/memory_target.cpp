#include "daemon/targets/memory_target.h"

#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "daemon/content/safe_path.h"
#include "daemon/content/sha256_file.h"

namespace distsync {
namespace {

// "Patches" + "/" ; "" for the root.
std::string dir_prefix(const std::string& dir) { return dir.empty() ? "" : dir + "/"; }

bool is_temp_path(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return is_temp_name(slash == std::string::npos ? path : path.substr(slash + 1));
}

CopyResult failed(CopyFailure failure, Status status) {
  CopyResult r;
  r.failure = failure;
  r.status = std::move(status);
  return r;
}

}  // namespace

PreflightReport MemoryTarget::preflight(const std::string& dir, std::uint64_t min_free_bytes) {
  MutexLock lock(&mu_);
  if (preflight_failure_) return *preflight_failure_;
  PreflightReport r;
  r.free_bytes = free_bytes_.value_or(UINT64_MAX);
  if (min_free_bytes > r.free_bytes) {
    r.failure = PreflightFailure::kNoSpace;
    r.status = Status::unavailable("target " + name_ + "/" + dir + " has " +
                                   std::to_string(r.free_bytes) + " bytes free, needs " +
                                   std::to_string(min_free_bytes) + "; free space on it");
  }
  return r;
}

Result<Manifest> MemoryTarget::list(const std::string& dir, const std::atomic<bool>*) {
  MutexLock lock(&mu_);
  Manifest m;
  const std::string prefix = dir_prefix(dir);
  for (auto it = files_.lower_bound(prefix); it != files_.end(); ++it) {
    if (!it->first.starts_with(prefix)) break;
    if (is_temp_path(it->first)) continue;
    FileEntry e;
    e.path = it->first.substr(prefix.size());
    e.size = it->second.data.size();
    e.mtime_ns = it->second.mtime_ns;
    e.sha256 = sha256_hex(it->second.data);  // cheap here, as an agent's hash cache would be
    m.total_bytes += e.size;
    m.files.push_back(std::move(e));
  }
  return m;
}

std::vector<CopyResult> MemoryTarget::write_batch(const std::vector<TargetFile>& files,
                                                  const BatchCopyOptions& options) {
  std::vector<CopyResult> results;
  std::map<std::string, MemoryFile> landing;
  for (const TargetFile& f : files) {
    if (options.cancel != nullptr && options.cancel->load()) {
      results.push_back(failed(CopyFailure::kCancelled, Status::unavailable("cancelled")));
      continue;
    }
    {
      MutexLock lock(&mu_);
      auto it = write_failures_.find(f.path);
      if (it != write_failures_.end()) {
        CopyFailure failure = it->second.first;
        if (--it->second.second <= 0) write_failures_.erase(it);
        results.push_back(failed(failure, Status::io_error("injected failure writing " + f.path)));
        continue;
      }
    }
    Result<MemoryFile> source = read_source(f.source);
    if (!source.ok()) {
      results.push_back(failed(CopyFailure::kSourceVanished, source.status()));
      continue;
    }
    CopyResult r;
    r.bytes = source->data.size();
    // Hashed while "copied" when no hash was expected, as LocalTarget does.
    if (f.expected_sha256.empty() && options.hash_while_copying) {
      r.sha256 = sha256_hex(source->data);
    }
    if (options.verify) {
      r.sha256 = sha256_hex(source->data);
      if (!f.expected_sha256.empty() && r.sha256 != f.expected_sha256) {
        results.push_back(
            failed(CopyFailure::kIOError, Status::io_error("verification failed for " + f.path)));
        continue;
      }
    }
    landing[f.path] = std::move(source.value());
    results.push_back(std::move(r));
  }
  // Cancelled before the "renames": nothing lands.
  bool cancelled = options.cancel != nullptr && options.cancel->load();
  MutexLock lock(&mu_);
  ++batches_;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!results[i].ok()) continue;
    if (cancelled) {
      results[i] = failed(CopyFailure::kCancelled, Status::unavailable("cancelled"));
      continue;
    }
    files_[files[i].path] = std::move(landing[files[i].path]);
  }
  return results;
}

PruneReport MemoryTarget::remove(const std::string& dir, const std::vector<std::string>& paths) {
  MutexLock lock(&mu_);
  PruneReport report;
  for (const std::string& rel : paths) {
    if (Status safe = check_content_path(rel); !safe.is_ok()) {
      report.failed.push_back({rel, safe.message()});
      continue;
    }
    files_.erase(dir_prefix(dir) + rel);
    report.removed.push_back(rel);
  }
  return report;
}

Result<std::size_t> MemoryTarget::remove_stale_temps(const std::string& dir) {
  MutexLock lock(&mu_);
  std::size_t n = 0;
  const std::string prefix = dir_prefix(dir);
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.starts_with(prefix);) {
    if (it->first.ends_with(kTempSuffix)) {
      it = files_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

Result<std::string> MemoryTarget::read_sha256(const std::string& path) {
  MutexLock lock(&mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::not_found(name_ + "/" + path + " does not exist");
  return sha256_hex(it->second.data);
}

void MemoryTarget::put(const std::string& path, MemoryFile file) {
  MutexLock lock(&mu_);
  files_[path] = std::move(file);
}

std::map<std::string, MemoryFile> MemoryTarget::files() const {
  MutexLock lock(&mu_);
  return files_;
}

void MemoryTarget::fail_preflight(PreflightReport report) {
  MutexLock lock(&mu_);
  preflight_failure_ = std::move(report);
}

void MemoryTarget::set_free_bytes(std::uint64_t bytes) {
  MutexLock lock(&mu_);
  free_bytes_ = bytes;
}

void MemoryTarget::fail_writes(const std::string& path, CopyFailure failure, int times) {
  MutexLock lock(&mu_);
  write_failures_[path] = {failure, times};
}

void MemoryTarget::set_source_reader(
    std::function<Result<MemoryFile>(const std::string& source)> reader) {
  MutexLock lock(&mu_);
  source_reader_ = std::move(reader);
}

std::size_t MemoryTarget::batches_written() const {
  MutexLock lock(&mu_);
  return batches_;
}

Result<MemoryFile> MemoryTarget::read_source(const std::string& source) const {
  {
    MutexLock lock(&mu_);
    if (source_reader_) return source_reader_(source);
  }
  std::ifstream in(source, std::ios::binary);
  if (!in) return Status::not_found("source " + source + " vanished");
  MemoryFile f;
  f.data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  struct stat st {};
  if (::stat(source.c_str(), &st) == 0) {
    f.mtime_ns = std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  }
  return f;
}

}  // namespace distsync
