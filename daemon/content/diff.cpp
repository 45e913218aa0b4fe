#include "daemon/content/diff.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <set>

#include "daemon/content/durable_file.h"
#include "daemon/content/safe_path.h"

namespace distsync {
namespace {

bool same_stamp(const FileEntry& a, const FileEntry& b, std::int64_t tolerance_ns) {
  if (a.size != b.size) return false;
  std::int64_t d = a.mtime_ns - b.mtime_ns;
  return (d < 0 ? -d : d) <= tolerance_ns;
}

std::string resolved(const std::string& path) {
  char* r = ::realpath(path.c_str(), nullptr);
  if (r == nullptr) return "";
  std::string out(r);
  std::free(r);
  return out;
}

}  // namespace

TargetDiff diff_manifests(const Manifest& source, const Manifest& target,
                          const DiffOptions& options) {
  TargetDiff d;
  // Both file lists are sorted by path: one merge pass.
  auto s = source.files.begin();
  auto t = target.files.begin();
  while (s != source.files.end() || t != target.files.end()) {
    if (t == target.files.end() || (s != source.files.end() && s->path < t->path)) {
      d.missing.push_back(s->path);
      d.bytes_to_copy += s->size;
      ++s;
    } else if (s == source.files.end() || t->path < s->path) {
      d.extra.push_back(t->path);
      ++t;
    } else {
      bool current = same_stamp(*s, *t, options.mtime_tolerance_ns);
      if (current && options.verify) {
        current = !s->sha256.empty() && s->sha256 == t->sha256;
      }
      if (current) {
        ++d.up_to_date_count;
        if (options.list_up_to_date) d.up_to_date.push_back(s->path);
      } else {
        d.out_of_date.push_back(s->path);
        d.bytes_to_copy += s->size;
      }
      ++s;
      ++t;
    }
  }
  d.target_rejected = target.rejected;
  return d;
}

Result<Manifest> list_target(const std::string& target_root, const DiffOptions& options) {
  struct stat st;
  if (::stat(target_root.c_str(), &st) != 0 && errno == ENOENT) return Manifest{};
  ManifestOptions mo;
  mo.hash = false;
  mo.cancel = options.cancel;
  return build_manifest(target_root, mo);
}

Result<TargetDiff> diff_listed_target(const Manifest& source, const std::string& target_root,
                                      Manifest target, const DiffOptions& options) {
  if (options.verify) {
    for (const FileEntry& e : source.files) {
      if (e.sha256.empty()) {
        return Status::invalid_argument("verify needs a hashed source manifest; " + e.path +
                                        " has no hash (build it with hash=true)");
      }
    }
    // Hash only the target files whose stamp matches; the others are out of date anyway.
    for (FileEntry& t : target.files) {
      const FileEntry* s = source.find(t.path);
      if (s == nullptr || !same_stamp(*s, t, options.mtime_tolerance_ns)) continue;
      if (options.cancel != nullptr && options.cancel->load(std::memory_order_relaxed)) {
        return Status::unavailable("diff of " + target_root + " cancelled");
      }
      Status h = fill_hash(target_root, &t);
      if (!h.is_ok()) t.sha256.clear();  // unreadable or changing: treated as out of date
    }
  }
  return diff_manifests(source, target, options);
}

Result<TargetDiff> diff_target(const Manifest& source, const std::string& target_root,
                               const DiffOptions& options) {
  if (options.verify) {
    for (const FileEntry& e : source.files) {
      if (e.sha256.empty()) {
        return Status::invalid_argument("verify needs a hashed source manifest; " + e.path +
                                        " has no hash (build it with hash=true)");
      }
    }
  }
  Result<Manifest> target = list_target(target_root, options);
  if (!target.ok()) return target.status();
  return diff_listed_target(source, target_root, std::move(target.value()), options);
}

PruneReport prune(const std::string& target_root, const std::vector<std::string>& paths) {
  PruneReport report;
  std::string real_root = resolved(target_root);
  std::set<std::string> touched_dirs;
  for (const std::string& rel : paths) {
    if (Status safe = check_content_path(rel); !safe.is_ok()) {
      report.failed.push_back({rel, safe.message()});
      continue;
    }
    std::string abs = join_path(target_root, rel);
    std::string dir = parent_dir(abs);
    std::string real_dir = resolved(dir);
    if (real_dir.empty()) {  // its folder is gone, so is the file
      report.removed.push_back(rel);
      continue;
    }
    if (real_root.empty() || (real_dir != real_root && !real_dir.starts_with(real_root + "/"))) {
      report.failed.push_back({rel, "path leaves the target root"});
      continue;
    }
    struct stat st;
    if (::lstat(abs.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      report.failed.push_back({rel, "is a directory; prune removes files only"});
      continue;
    }
    if (::unlink(abs.c_str()) != 0 && errno != ENOENT) {
      report.failed.push_back({rel, std::string("cannot remove: ") + std::strerror(errno)});
      continue;
    }
    report.removed.push_back(rel);
    touched_dirs.insert(dir);
  }
  for (const std::string& dir : touched_dirs) {
    (void)fsync_dir(dir);  // best effort: the removals already happened
  }
  return report;
}

}  // namespace distsync
