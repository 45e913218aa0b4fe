#include "daemon/agents/agent_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <set>

#include "daemon/content/atomic_copy.h"
#include "daemon/content/diff.h"
#include "daemon/content/durable_file.h"
#include "daemon/content/manifest.h"
#include "daemon/content/normal_path.h"
#include "daemon/content/preflight.h"
#include "daemon/content/sha256_file.h"
#include "events/hash.h"

namespace distsync {
namespace {

std::string failure_of(int err) {
  if (err == ENOSPC || err == EDQUOT) return "no_space";
  if (err == EACCES || err == EPERM) return "permission_denied";
  return "io_error";
}

std::string real(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? std::string(buf) : std::string();
}

bool within(const std::string& path, const std::string& root) {
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          (root == "/" || path[root.size()] == '/'));
}

}  // namespace

struct AgentFiles::Batch {
  struct File {
    std::size_t index = 0;
    std::string path, temp;
    int fd = -1;
    std::uint64_t size = 0, written = 0;
    std::int64_t mtime_ns = 0;
    std::string sha256;
    std::string failure;  // empty = fine so far
    std::string message;
  };
  bool verify = false;
  std::vector<File> files;

  File* find(std::size_t index) {
    for (File& f : files) {
      if (f.index == index) return &f;
    }
    return nullptr;
  }
  static void drop(File& f, std::string failure, std::string message) {
    if (f.fd >= 0) ::close(f.fd);
    f.fd = -1;
    if (!f.temp.empty()) ::unlink(f.temp.c_str());
    f.temp.clear();
    if (f.failure.empty()) {
      f.failure = std::move(failure);
      f.message = std::move(message);
    }
  }
  ~Batch() {
    for (File& f : files) {
      if (f.fd >= 0) ::close(f.fd);
      if (!f.temp.empty()) ::unlink(f.temp.c_str());
    }
  }
};

AgentFiles::AgentFiles(std::vector<std::string> roots, std::string state_dir)
    : roots_(std::move(roots)), state_dir_(std::move(state_dir)) {}
AgentFiles::~AgentFiles() = default;

Result<std::string> AgentFiles::check(const std::string& path) const {
  Result<NormalPath> p = NormalPath::parse(path, NormalPath::Kind::kAbsolute, "path");
  if (!p.ok()) return p.status();
  for (const std::string& root : roots_) {
    if (!within(p->str(), root)) continue;
    // The deepest folder that exists must still be inside the root once symlinks resolve.
    std::string probe = p->str();
    while (!probe.empty() && ::access(probe.c_str(), F_OK) != 0) probe = parent_dir(probe);
    std::string r = real(probe), rr = real(root);
    if (!r.empty() && !rr.empty() && !within(r, rr)) {
      return Status::invalid_argument("path " + shown(path) + " leaves the served folder " +
                                      root + " through a symlink");
    }
    return p->str();
  }
  return Status::invalid_argument("path " + shown(path) +
                                  " is outside the folders this agent serves");
}

Result<nlohmann::json> AgentFiles::call(const std::string& op, const nlohmann::json& args) {
  auto arg = [&](const char* key) -> Result<std::string> {
    if (!args.is_object() || !args.contains(key) || !args[key].is_string()) {
      return Status::invalid_argument(std::string("missing argument '") + key + "'");
    }
    return check(args[key].get<std::string>());
  };
  if (op == "preflight") {
    auto dir = arg("dir");
    if (!dir.ok()) return dir.status();
    PreflightOptions o;
    o.min_free_bytes = args.value("min_free_bytes", std::uint64_t{0});
    PreflightReport r = preflight_target(*dir, o);
    if (!r.ok()) return r.status;
    return nlohmann::json{{"free_bytes", r.free_bytes}};
  }
  if (op == "list") {
    auto dir = arg("dir");
    if (!dir.ok()) return dir.status();
    nlohmann::json files = nlohmann::json::array();
    if (::access(dir->c_str(), F_OK) != 0) return nlohmann::json{{"files", files}};
    ManifestOptions o;
    o.hash = true;
    o.cache_path = state_dir_ + "/" + to_hex(sha256(*dir)).substr(0, 16) + ".hashcache";
    Result<Manifest> m = build_manifest(*dir, o);
    if (!m.ok()) return m.status();
    for (const FileEntry& f : m->files) {
      files.push_back({{"path", f.path}, {"size", f.size}, {"mtime_ns", f.mtime_ns},
                       {"sha256", f.sha256}});
    }
    return nlohmann::json{{"files", files}};
  }
  if (op == "remove") {
    auto dir = arg("dir");
    if (!dir.ok()) return dir.status();
    std::vector<std::string> paths;
    for (const auto& p : args.value("paths", nlohmann::json::array())) {
      if (p.is_string()) paths.push_back(p.get<std::string>());
    }
    PruneReport r = prune(*dir, paths);
    nlohmann::json failed = nlohmann::json::array();
    for (const auto& f : r.failed) failed.push_back({{"path", f.path}, {"reason", f.reason}});
    return nlohmann::json{{"removed", r.removed}, {"failed", failed}};
  }
  if (op == "stale") {
    auto dir = arg("dir");
    if (!dir.ok()) return dir.status();
    Result<std::size_t> n = remove_stale_temps(*dir);
    if (!n.ok()) return n.status();
    return nlohmann::json{{"removed", *n}};
  }
  if (op == "sha256") {
    auto path = arg("path");
    if (!path.ok()) return path.status();
    Result<std::string> h = sha256_file(*path);
    if (!h.ok()) return h.status();
    return nlohmann::json{{"sha256", *h}};
  }
  return Status::invalid_argument("unknown op '" + shown(op) + "'");
}

std::size_t AgentFiles::remove_all_stale_temps() {
  std::size_t n = 0;
  for (const std::string& root : roots_) {
    Result<std::size_t> r = remove_stale_temps(root);
    if (r.ok()) n += *r;
  }
  return n;
}

Status AgentFiles::begin(std::uint64_t req, bool verify) {
  // A console that restarted reuses request numbers, and one that vanished never commits:
  // an old batch under the same number, or past the cap, is dropped (its temps removed).
  batches_.erase(req);
  if (batches_.size() >= 64) batches_.erase(batches_.begin());
  auto b = std::make_unique<Batch>();
  b->verify = verify;
  batches_[req] = std::move(b);
  return Status::ok();
}

Status AgentFiles::add_file(std::uint64_t req, const nlohmann::json& file) {
  auto it = batches_.find(req);
  if (it == batches_.end()) return Status::not_found("no batch " + std::to_string(req));
  Batch& b = *it->second;
  Batch::File f;
  f.index = file.value("index", std::size_t{0});
  f.size = file.value("size", std::uint64_t{0});
  f.mtime_ns = file.value("mtime_ns", std::int64_t{0});
  f.sha256 = file.value("sha256", "");
  if (b.find(f.index)) return Status::invalid_argument("file index sent twice");
  Result<std::string> path = check(file.value("path", ""));
  if (!path.ok()) {
    f.failure = "io_error";
    f.message = path.status().message();
    b.files.push_back(std::move(f));
    return Status::ok();
  }
  f.path = *path;
  std::string dir = parent_dir(f.path);
  int err = 0;
  if (Status s = make_dirs_durable(dir, &err); !s.is_ok()) {
    f.failure = failure_of(err);
    f.message = s.message();
  } else if (Result<std::string> again = check(f.path); !again.ok()) {
    f.failure = "io_error";  // a symlink appeared on the way while folders were made
    f.message = again.status().message();
  } else {
    f.temp = dir + "/" + random_temp_name();
    f.fd = ::open(f.temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (f.fd < 0) {
      f.failure = failure_of(errno);
      f.message = "cannot create a temp in " + dir + ": " + std::strerror(errno);
      f.temp.clear();
    }
  }
  b.files.push_back(std::move(f));
  return Status::ok();
}

Status AgentFiles::write_chunk(std::uint64_t req, const nlohmann::json& chunk,
                               const std::string& data) {
  auto it = batches_.find(req);
  if (it == batches_.end()) return Status::not_found("no batch " + std::to_string(req));
  Batch::File* f = it->second->find(chunk.value("index", std::size_t{0}));
  if (f == nullptr) return Status::invalid_argument("chunk for a file not announced");
  if (chunk.value("drop", false)) {
    Batch::drop(*f, "io_error", "the console could not read the source");
    return Status::ok();
  }
  if (!f->failure.empty()) return Status::ok();  // already failed: the bytes are discarded
  if (chunk.value("offset", std::uint64_t{0}) != f->written || f->written + data.size() > f->size) {
    Batch::drop(*f, "io_error", "chunks out of order or past the announced size");
    return Status::ok();
  }
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(f->fd, data.data() + done, data.size() - done,
                         static_cast<off_t>(f->written + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      Batch::drop(*f, failure_of(err), "cannot write " + f->path + ": " + std::strerror(err));
      return Status::ok();
    }
    done += static_cast<std::size_t>(n);
  }
  f->written += data.size();
  return Status::ok();
}

Result<nlohmann::json> AgentFiles::commit(std::uint64_t req) {
  auto it = batches_.find(req);
  if (it == batches_.end()) return Status::not_found("no batch " + std::to_string(req));
  std::unique_ptr<Batch> b = std::move(it->second);
  batches_.erase(it);
  int barrier_fd = -1;
  for (Batch::File& f : b->files) {
    if (!f.failure.empty()) continue;
    if (f.written != f.size) {
      Batch::drop(f, "io_error", "the batch ended before the whole file arrived");
      continue;
    }
    struct timespec times[2];
    times[0].tv_sec = times[1].tv_sec = f.mtime_ns / 1'000'000'000;
    times[0].tv_nsec = times[1].tv_nsec = f.mtime_ns % 1'000'000'000;
    if (::futimens(f.fd, times) != 0) {
      Batch::drop(f, failure_of(errno), "cannot set the mtime of " + f.path);
      continue;
    }
    if (barrier_fd < 0) barrier_fd = f.fd;
  }
  // One barrier for the batch: every temp's data reaches the disk before any rename.
  if (barrier_fd >= 0 && ::syncfs(barrier_fd) != 0) {
    for (Batch::File& f : b->files) Batch::drop(f, "io_error", "syncfs failed");
  }
  std::set<std::string> dirs;
  nlohmann::json results = nlohmann::json::array();
  for (Batch::File& f : b->files) {
    std::string hash;
    if (f.failure.empty() && b->verify) {
      Result<std::string> h = sha256_fd(f.fd, f.temp);
      if (!h.ok() || (!f.sha256.empty() && *h != f.sha256)) {
        Batch::drop(f, "verify_mismatch", "verification failed for " + f.path);
      } else {
        hash = *h;
      }
    }
    if (f.failure.empty()) {
      ::close(f.fd);
      f.fd = -1;
      if (::rename(f.temp.c_str(), f.path.c_str()) != 0) {
        Batch::drop(f, failure_of(errno), "cannot rename into " + f.path + ": " + std::strerror(errno));
      } else {
        f.temp.clear();
        dirs.insert(parent_dir(f.path));
      }
    }
    nlohmann::json r = {{"index", f.index}, {"ok", f.failure.empty()}};
    if (f.failure.empty()) {
      r["bytes"] = f.size;
      r["sha256"] = hash;
    } else {
      r["failure"] = f.failure;
      r["message"] = f.message;
    }
    results.push_back(r);
  }
  for (const std::string& d : dirs) (void)fsync_dir(d);
  return nlohmann::json{{"files", results}};
}

void AgentFiles::abort(std::uint64_t req) { batches_.erase(req); }

}  // namespace distsync
