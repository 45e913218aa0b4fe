#include "daemon/content/manifest.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <utility>
#include <vector>

#include "daemon/content/hash_cache.h"
#include "daemon/content/safe_path.h"
#include "daemon/content/sha256_file.h"

namespace distsync {
namespace {

std::int64_t mtime_ns_of(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

std::int64_t system_now_ns() {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

std::optional<std::string> real_path(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return std::nullopt;
  std::string out(resolved);
  std::free(resolved);
  return out;
}

// One walk over one root. Holds the options and what the walk found so far.
class Walker {
 public:
  Walker(std::string root, std::string real_root, const ManifestOptions& options,
         const HashCache* old_cache, HashCache* new_cache)
      : root_(std::move(root)),
        real_root_(std::move(real_root)),
        options_(options),
        old_cache_(old_cache),
        new_cache_(new_cache),
        now_ns_(options.now_ns != 0 ? options.now_ns : system_now_ns()) {}

  // Walks the folder `rel_dir`, which is `name` in the open folder `parent_fd` (the root
  // itself when parent_fd is AT_FDCWD and name is the root's path): the folder is opened
  // relative to its parent and its entries stat'ed relative to it, so the kernel resolves
  // no full path per entry.
  Status walk(const std::string& rel_dir, int parent_fd, const char* name,
              const struct stat& dir_st) {
    // Only a directory that contains itself loops; one reached twice by different paths
    // (a symlink to a sibling) is listed under both, as the file it names would be.
    std::pair<dev_t, ino_t> id{dir_st.st_dev, dir_st.st_ino};
    if (std::find(ancestors_.begin(), ancestors_.end(), id) != ancestors_.end()) {
      reject(rel_dir, "symlink loop");
      return Status::ok();
    }
    ancestors_.push_back(id);
    Status s = walk_entries(rel_dir, parent_fd, name);
    ancestors_.pop_back();
    return s;
  }

  Status walk_entries(const std::string& rel_dir, int parent_fd, const char* dir_name) {
    int fd = ::openat(parent_fd, dir_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* dir = fd < 0 ? nullptr : ::fdopendir(fd);
    if (dir == nullptr) {
      int err = errno;
      if (fd >= 0) ::close(fd);
      reject(rel_dir, std::string("cannot read directory: ") + std::strerror(err));
      return Status::ok();
    }
    // The names go into one buffer per folder (NUL-terminated, for fstatat), not one heap
    // string each.
    std::string arena;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> spans;  // offset, length
    while (struct dirent* de = ::readdir(dir)) {
      std::string_view name = de->d_name;
      if (name == "." || name == "..") continue;
      spans.emplace_back(static_cast<std::uint32_t>(arena.size()),
                         static_cast<std::uint32_t>(name.size()));
      arena.append(name).push_back('\0');
    }
    std::vector<std::string_view> names;
    names.reserve(spans.size());
    for (auto [off, len] : spans) names.emplace_back(arena.data() + off, len);
    std::sort(names.begin(), names.end());
    Status out = Status::ok();
    for (std::string_view name : names) {
      if (cancelled()) {
        out = Status::unavailable("manifest of " + root_ + " cancelled");
        break;
      }
      std::string rel;
      rel.reserve(rel_dir.size() + 1 + name.size());
      if (!rel_dir.empty()) rel.append(rel_dir).push_back('/');
      rel.append(name);
      out = visit(std::move(rel), name, ::dirfd(dir));
      if (!out.is_ok()) break;
    }
    ::closedir(dir);
    return out;
  }

  Manifest take() { return std::move(manifest_); }

 private:
  bool cancelled() const {
    return options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed);
  }

  void reject(const std::string& rel, std::string reason) {
    manifest_.rejected.push_back({rel.empty() ? "." : rel, std::move(reason)});
  }

  // `name` is NUL-terminated (it points into walk_entries' buffer).
  Status visit(std::string rel, std::string_view name, int dir_fd) {
    if (is_temp_name(name)) return Status::ok();
    if (Status safe = check_content_path(rel); !safe.is_ok()) {
      reject(rel, safe.message());
      return Status::ok();
    }
    struct stat st;
    if (::fstatat(dir_fd, name.data(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) return Status::ok();  // removed while we walked
      reject(rel, std::string("cannot stat: ") + std::strerror(errno));
      return Status::ok();
    }
    if (S_ISLNK(st.st_mode)) {
      const std::string abs = join_path(root_, rel);
      std::optional<std::string> target = real_path(abs);
      if (!target) {
        reject(rel, "dangling symlink");
        return Status::ok();
      }
      if (*target != real_root_ &&
          !target->starts_with(real_root_ == "/" ? "/" : real_root_ + "/")) {
        reject(rel, "symlink leaves the content root");
        return Status::ok();
      }
      if (::stat(abs.c_str(), &st) != 0) {
        reject(rel, "dangling symlink");
        return Status::ok();
      }
    }
    if (S_ISDIR(st.st_mode)) return walk(rel, dir_fd, name.data(), st);
    if (!S_ISREG(st.st_mode)) {
      reject(rel, "not a regular file");
      return Status::ok();
    }
    return add_file(std::move(rel), st);
  }

  bool settling(std::int64_t mtime_ns) const {
    std::int64_t q = options_.quiet_period_ns;
    return q > 0 && mtime_ns > now_ns_ - q && mtime_ns < now_ns_ + q;
  }

  // The full path is built only for a file that is hashed here: a quick walk allocates no
  // path per file beyond its relative name.
  Status add_file(std::string rel_path, const struct stat& st) {
    FileEntry e{std::move(rel_path), static_cast<std::uint64_t>(st.st_size), mtime_ns_of(st),
                static_cast<std::uint64_t>(st.st_ino), ""};
    const std::string& rel = e.path;
    if (settling(e.mtime_ns)) {
      manifest_.settling.push_back(rel);
      return Status::ok();
    }
    if (old_cache_ != nullptr) {
      if (const std::string* h = old_cache_->find(rel, e.size, e.mtime_ns, e.inode)) {
        e.sha256 = *h;
        ++manifest_.cache_hits;
      }
    }
    if (e.sha256.empty() && options_.hash) {
      Status s = hash_stable(join_path(root_, rel), &e);
      if (s.code() == Status::Code::kUnavailable) return s;          // cancelled
      if (s.code() == Status::Code::kNotFound) return Status::ok();  // vanished
      if (s.code() == Status::Code::kConflict) {
        manifest_.settling.push_back(rel);
        return Status::ok();
      }
      if (!s.is_ok()) {
        reject(rel, s.message());
        return Status::ok();
      }
      ++manifest_.hashed;
    }
    if (new_cache_ != nullptr && !e.sha256.empty()) {
      new_cache_->put(rel, CachedHash{e.size, e.mtime_ns, e.inode, e.sha256});
    }
    manifest_.total_bytes += e.size;
    manifest_.files.push_back(std::move(e));
    return Status::ok();
  }

  // Hashes through one descriptor and checks the file did not change meanwhile; a file
  // being written is reported as conflict rather than given a hash of a moving target.
  Status hash_stable(const std::string& abs, FileEntry* e) {
    int fd = ::open(abs.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int err = errno;
      if (err == ENOENT) return Status::not_found(abs + " vanished");
      return Status::io_error(std::string("cannot open: ") + std::strerror(err));
    }
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    struct stat before, after;
    Status out = Status::ok();
    if (!beneath_root(fd)) {
      // A symlink swapped in since visit() checked it: hash nothing from outside the root.
      out = Status::io_error("symlink leaves the content root");
    } else if (::fstat(fd, &before) != 0) {
      out = Status::io_error(std::string("cannot stat: ") + std::strerror(errno));
    } else {
      Result<std::string> h = sha256_fd(fd, abs, options_.cancel);
      if (!h.ok()) {
        out = h.status();
      } else if (::fstat(fd, &after) != 0 || after.st_size != before.st_size ||
                 mtime_ns_of(after) != mtime_ns_of(before)) {
        out = Status::conflict(abs + " changed while being hashed");
      } else {
        e->size = static_cast<std::uint64_t>(before.st_size);
        e->mtime_ns = mtime_ns_of(before);
        e->inode = static_cast<std::uint64_t>(before.st_ino);
        e->sha256 = std::move(h.value());
      }
    }
    ::close(fd);
    return out;
  }

  // True when the open `fd` is a file beneath the real root (checked on the descriptor, so
  // no rename after the check changes the answer). True when /proc cannot tell.
  bool beneath_root(int fd) const {
    char buf[PATH_MAX];
    std::string link = "/proc/self/fd/" + std::to_string(fd);
    ssize_t n = ::readlink(link.c_str(), buf, sizeof buf);
    if (n <= 0) return true;
    std::string_view real(buf, static_cast<std::size_t>(n));
    return real_root_ == "/" || real.starts_with(real_root_ + "/");
  }

  std::string root_;
  std::string real_root_;
  const ManifestOptions& options_;
  const HashCache* old_cache_;
  HashCache* new_cache_;
  std::int64_t now_ns_;
  std::vector<std::pair<dev_t, ino_t>> ancestors_;  // directories being walked
  Manifest manifest_;
};

// The walk visits each folder's names in order, so the files mostly come out sorted already
// (not always: "a/b" is visited before "a.b"); checking is one pass, sorting 20,000 entries
// several.
template <typename T, typename Key>
void sort_by(std::vector<T>& v, Key key) {
  auto less = [&](const T& a, const T& b) { return key(a) < key(b); };
  if (!std::is_sorted(v.begin(), v.end(), less)) std::sort(v.begin(), v.end(), less);
}

}  // namespace

const FileEntry* Manifest::find(std::string_view path) const {
  auto it = std::lower_bound(files.begin(), files.end(), path,
                             [](const FileEntry& e, std::string_view p) { return e.path < p; });
  return it != files.end() && it->path == path ? &*it : nullptr;
}

Result<Manifest> build_manifest(const std::string& root, const ManifestOptions& options) {
  struct stat st;
  if (::stat(root.c_str(), &st) != 0) {
    int err = errno;
    std::string msg = "content root " + root + " is not accessible: " + std::strerror(err);
    return err == ENOENT ? Status::not_found(msg) : Status::io_error(msg);
  }
  if (!S_ISDIR(st.st_mode)) {
    return Status::invalid_argument("content root " + root + " is not a directory");
  }
  std::optional<std::string> real_root = real_path(root);
  if (!real_root) {
    return Status::io_error("cannot resolve content root " + root + ": " + std::strerror(errno));
  }
  std::optional<HashCache> old_cache, new_cache;
  std::string cache_problem;
  if (!options.cache_path.empty()) {
    old_cache = HashCache::load(options.cache_path, *real_root);
    if (Status why = old_cache->load_status();
        !why.is_ok() && why.code() != Status::Code::kNotFound) {
      cache_problem = why.message();
    }
    if (options.hash) new_cache.emplace(options.cache_path, *real_root);
  }
  Walker walker(root, *real_root, options, old_cache ? &*old_cache : nullptr,
                new_cache ? &*new_cache : nullptr);
  Status s = walker.walk("", AT_FDCWD, root.c_str(), st);
  if (!s.is_ok()) return s;
  Manifest m = walker.take();
  m.cache_problem = std::move(cache_problem);
  sort_by(m.files, [](const FileEntry& e) -> const std::string& { return e.path; });
  sort_by(m.rejected, [](const RejectedEntry& e) -> const std::string& { return e.path; });
  std::sort(m.settling.begin(), m.settling.end());
  // Rewrite the cache only when it would change: hashes were computed or entries dropped,
  // or it was unreadable or in the old text format.
  if (new_cache && (m.hashed > 0 || new_cache->size() != old_cache->size() ||
                    !old_cache->load_status().is_ok() || old_cache->loaded_old_format())) {
    Status saved = new_cache->save();
    if (!saved.is_ok()) return saved;
  }
  return m;
}

Status remember_hashes(const std::string& root, const std::string& cache_path,
                       const std::vector<FileEntry>& entries) {
  std::optional<std::string> real_root = real_path(root);
  if (!real_root) {
    return Status::io_error("cannot resolve content root " + root + ": " + std::strerror(errno));
  }
  HashCache cache = HashCache::load(cache_path, *real_root);
  std::size_t added = 0;
  for (const FileEntry& e : entries) {
    // The hash came back from a copy worker, maybe another process: take only a well-formed one.
    if (e.sha256.size() != 64 ||
        e.sha256.find_first_not_of("0123456789abcdef") != std::string::npos) {
      continue;
    }
    cache.put(e.path, CachedHash{e.size, e.mtime_ns, e.inode, e.sha256});
    ++added;
  }
  return added == 0 ? Status::ok() : cache.save();
}

Status fill_hash(const std::string& root, FileEntry* entry) {
  std::string abs = join_path(root, entry->path);
  int fd = ::open(abs.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string msg = "cannot open " + abs + " to hash it: " + std::strerror(err);
    return err == ENOENT ? Status::not_found(msg) : Status::io_error(msg);
  }
  struct stat st;
  Status out = Status::ok();
  if (::fstat(fd, &st) != 0) {
    out = Status::io_error("cannot stat " + abs + ": " + std::strerror(errno));
  } else if (static_cast<std::uint64_t>(st.st_size) != entry->size ||
             mtime_ns_of(st) != entry->mtime_ns) {
    out = Status::conflict(abs + " changed since the manifest was built; rebuild it");
  } else {
    Result<std::string> h = sha256_fd(fd, abs);
    if (h.ok()) {
      entry->sha256 = std::move(h.value());
    } else {
      out = h.status();
    }
  }
  ::close(fd);
  return out;
}

}  // namespace distsync
