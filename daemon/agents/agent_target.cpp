#include "daemon/agents/agent_target.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>

#include "daemon/content/safe_path.h"

namespace distsync {
namespace {

using namespace std::chrono_literals;
constexpr auto kCallTimeout = 120s;   // a listing hashes new files on the agent
constexpr auto kCreditTimeout = 60s;  // one chunk written, or the batch committed
constexpr auto kConnectGrace = 10s;   // for the agent to (re)connect before a batch

CopyFailure failure_from_name(const std::string& name) {
  if (name == "no_space") return CopyFailure::kNoSpace;
  if (name == "permission_denied") return CopyFailure::kPermissionDenied;
  if (name == "source_vanished") return CopyFailure::kSourceVanished;
  if (name == "cancelled") return CopyFailure::kCancelled;
  return CopyFailure::kIOError;
}

CopyResult failed(CopyFailure f, Status s) {
  CopyResult r;
  r.status = std::move(s);
  r.failure = f;
  return r;
}

class UnreachableAgentTarget : public Target {
 public:
  UnreachableAgentTarget(std::string agent, std::string root)
      : agent_(std::move(agent)), root_(std::move(root)) {}
  std::string describe() const override { return "agent " + agent_ + ":" + root_; }
  std::string locate(const std::string& path) const override {
    return std::string(kAgentScheme) + agent_ + join_path(root_, path);
  }
  PreflightReport preflight(const std::string&, std::uint64_t) override {
    PreflightReport r;
    r.status = why();
    r.failure = PreflightFailure::kUnreachable;
    return r;
  }
  Result<Manifest> list(const std::string&, const std::atomic<bool>*) override { return why(); }
  std::vector<CopyResult> write_batch(const std::vector<TargetFile>& files,
                                      const BatchCopyOptions&) override {
    return std::vector<CopyResult>(files.size(), failed(CopyFailure::kIOError, why()));
  }
  PruneReport remove(const std::string&, const std::vector<std::string>& paths) override {
    PruneReport r;
    for (const auto& p : paths) r.failed.push_back({p, why().message()});
    return r;
  }
  Result<std::size_t> remove_stale_temps(const std::string&) override { return why(); }
  Result<std::string> read_sha256(const std::string&) override { return why(); }

 private:
  Status why() const {
    return Status::unavailable("server is on agent '" + agent_ +
                               "' but this console runs no agent hub; set agent_endpoint in "
                               "the config (docs/configuration.md)");
  }
  std::string agent_, root_;
};

}  // namespace

std::shared_ptr<Target> make_unreachable_agent_target(const std::string& agent,
                                                      const std::string& root) {
  return std::make_shared<UnreachableAgentTarget>(agent, root);
}

bool parse_agent_location(const std::string& located, std::string* agent, std::string* path) {
  if (located.rfind(kAgentScheme, 0) != 0) return false;
  std::string rest = located.substr(kAgentScheme.size());
  auto slash = rest.find('/');
  if (slash == 0 || slash == std::string::npos) return false;
  *agent = rest.substr(0, slash);
  *path = rest.substr(slash);
  return true;
}

AgentTarget::AgentTarget(AgentHub& hub, std::vector<std::string> pool, std::string root)
    : hub_(hub), pool_(std::move(pool)), root_(std::move(root)) {
  DISTSYNC_CHECK(!pool_.empty());
}

std::string AgentTarget::describe() const {
  std::string names;
  for (const std::string& a : pool_) names += (names.empty() ? "" : ",") + a;
  return (pool_.size() == 1 ? "agent " : "agents ") + names + ":" + root_;
}

std::string AgentTarget::pick() const {
  for (const std::string& a : pool_) {
    if (hub_.await_connected(a, std::chrono::milliseconds(0))) return a;
  }
  return pool_.front();
}

std::string AgentTarget::full(const std::string& path) const {
  std::string a, p;
  if (parse_agent_location(path, &a, &p)) return p;
  return root_.empty() ? path : join_path(root_, path);
}

std::string AgentTarget::locate(const std::string& path) const {
  return std::string(kAgentScheme) + pool_.front() + full(path);
}

PreflightReport AgentTarget::preflight(const std::string& dir, std::uint64_t min_free_bytes) {
  const std::string agent = pick();
  auto r = hub_.call(agent, "preflight", {{"dir", full(dir)}, {"min_free_bytes", min_free_bytes}},
                     kCallTimeout);
  PreflightReport out;
  if (!r.ok()) {
    out.status = Status::unavailable("agent '" + agent + "': " + r.status().message() +
                                     "; is distsync-agent running and allowed?");
    out.failure = PreflightFailure::kUnreachable;
    return out;
  }
  out.free_bytes = r->value("free_bytes", std::uint64_t{0});
  return out;
}

Result<Manifest> AgentTarget::list(const std::string& dir, const std::atomic<bool>*) {
  const std::string agent = pick();
  auto r = hub_.call(agent, "list", {{"dir", full(dir)}}, kCallTimeout);
  if (!r.ok()) return r.status();
  Manifest m;
  if (!r->contains("files") || !(*r)["files"].is_array()) {
    return Status::corruption("agent '" + agent + "': malformed listing");
  }
  for (const auto& f : (*r)["files"]) {
    if (!f.is_object()) return Status::corruption("agent '" + agent + "': malformed listing");
    FileEntry e;
    e.path = f.value("path", "");
    e.size = f.value("size", std::uint64_t{0});
    e.mtime_ns = f.value("mtime_ns", std::int64_t{0});
    e.sha256 = f.value("sha256", "");
    // The agent is another host: a name that would leave the folder is refused, not listed.
    if (Status s = check_content_path(e.path); !s.is_ok()) {
      m.rejected.push_back({e.path, "from agent '" + agent + "': " + s.message()});
      continue;
    }
    m.total_bytes += e.size;
    m.files.push_back(std::move(e));
  }
  std::sort(m.files.begin(), m.files.end(),
            [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
  return m;
}

std::vector<CopyResult> AgentTarget::write_batch(const std::vector<TargetFile>& files,
                                                 const BatchCopyOptions& options) {
  return write_batch_on(pick(), files, options).results;
}

AgentBatch AgentTarget::write_batch_on(const std::string& agent,
                                       const std::vector<TargetFile>& files,
                                       const BatchCopyOptions& options) {
  AgentBatch batch;
  std::vector<CopyResult>& results = batch.results;
  results.resize(files.size());
  std::vector<bool> sent(files.size(), false);
  // An agent restarting (or briefly away) gets the same grace as a call before the batch
  // counts as failed; a batch broken midway fails whole and the retry policy sends it again.
  if (!hub_.await_connected(agent, kConnectGrace)) {
    for (auto& r : results) {
      r = failed(CopyFailure::kIOError,
                 Status::unavailable("agent '" + agent + "' is not connected"));
    }
    batch.link_lost = true;
    return batch;
  }
  auto ex = hub_.open(agent);
  // `lost`: the link broke (the exchange's wait failed), not the agent's refusal.
  auto fail_all = [&](const Status& why, bool lost = false) {
    for (std::size_t i = 0; i < files.size(); ++i) {
      if (results[i].ok()) {
        results[i] = failed(CopyFailure::kIOError,
                            Status::io_error("agent '" + agent + "' during the batch: " +
                                             why.message()));
      }
    }
    ex->send(AgentFrame{"ABORT", nlohmann::json::object(), ""});
    batch.link_lost = lost;
    return batch;
  };
  auto cancelled = [&] { return options.cancel && options.cancel->load(); };
  ex->send(AgentFrame{"CALL", {{"op", "begin"}, {"args", {{"verify", options.verify}}}}, ""});
  std::uint64_t credit = 0;
  // Waits for credit (or the agent's refusal).
  bool link_broke = false;
  auto take_credit = [&]() -> Status {
    while (credit == 0) {
      Result<AgentFrame> f = ex->wait(kCreditTimeout);
      if (!f.ok()) {
        link_broke = true;
        return f.status();
      }
      if (f->verb == "CREDIT") {
        credit += f->body.value("chunks", std::uint64_t{0});
      } else if (f->verb == "REPLY" && !f->body.value("ok", false)) {
        return status_from_json(f->body.value("error", nlohmann::json()));
      }
    }
    --credit;
    return Status::ok();
  };
  std::string buf(kAgentChunkBytes, '\0');
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (cancelled()) return fail_all(Status::unavailable("cancelled"));
    const TargetFile& f = files[i];
    int fd = ::open(f.source.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0) {
      int err = errno;
      if (fd >= 0) ::close(fd);
      results[i] = failed(err == ENOENT ? CopyFailure::kSourceVanished : CopyFailure::kIOError,
                          Status::io_error("cannot read " + f.source + ": " + std::strerror(err)));
      continue;
    }
    ex->send(AgentFrame{"FILE",
                        {{"index", i},
                         {"path", full(f.path)},
                         {"size", static_cast<std::uint64_t>(st.st_size)},
                         {"mtime_ns", st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec},
                         {"sha256", f.expected_sha256}},
                        ""});
    sent[i] = true;
    std::uint64_t offset = 0;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    Status file_status = Status::ok();
    do {
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - offset));
      ssize_t n = want == 0 ? 0 : ::pread(fd, buf.data(), want, static_cast<off_t>(offset));
      if (n < 0 || static_cast<std::size_t>(n) != want) {
        file_status = Status::io_error("source " + f.source + " changed or cannot be read");
        break;
      }
      if (Status s = take_credit(); !s.is_ok()) {
        ::close(fd);
        return fail_all(s, link_broke);
      }
      if (options.limiter && !options.limiter->acquire(want, options.cancel)) {
        ::close(fd);
        return fail_all(Status::unavailable("cancelled"));
      }
      ex->send(AgentFrame{"CHUNK", {{"index", i}, {"offset", offset}}, buf.substr(0, want)});
      offset += want;
    } while (offset < size);
    ::close(fd);
    if (!file_status.is_ok()) {
      results[i] = failed(CopyFailure::kIOError, file_status);
      ex->send(AgentFrame{"CHUNK", {{"index", i}, {"drop", true}}, ""});
    }
  }
  if (cancelled()) return fail_all(Status::unavailable("cancelled"));
  ex->send(AgentFrame{"COMMIT", nlohmann::json::object(), ""});
  for (;;) {
    Result<AgentFrame> f = ex->wait(kCallTimeout);
    if (!f.ok()) return fail_all(f.status(), true);
    if (f->verb != "REPLY") continue;  // late credit
    if (!f->body.value("ok", false)) {
      return fail_all(status_from_json(f->body.value("error", nlohmann::json())));
    }
    const nlohmann::json& got = f->body["result"]["files"];
    for (const auto& r : got) {
      std::size_t i = r.value("index", files.size());
      if (i >= files.size() || !sent[i] || !results[i].ok()) continue;
      if (r.value("ok", false)) {
        results[i].bytes = r.value("bytes", std::uint64_t{0});
        results[i].sha256 = r.value("sha256", "");
      } else {
        std::string failure = r.value("failure", "io_error");
        results[i] = failed(failure_from_name(failure),
                            Status::io_error(r.value("message", "agent copy failed")));
      }
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
      bool answered = false;
      for (const auto& r : got) answered = answered || r.value("index", files.size()) == i;
      if (sent[i] && results[i].ok() && !answered) {
        results[i] = failed(CopyFailure::kIOError,
                            Status::io_error("agent '" + agent + "' gave no result"));
      }
    }
    return batch;
  }
}

PruneReport AgentTarget::remove(const std::string& dir, const std::vector<std::string>& paths) {
  PruneReport out;
  auto r = hub_.call(pick(), "remove", {{"dir", full(dir)}, {"paths", paths}}, kCallTimeout);
  if (!r.ok()) {
    for (const auto& p : paths) out.failed.push_back({p, r.status().message()});
    return out;
  }
  for (const auto& p : r->value("removed", nlohmann::json::array())) {
    if (p.is_string()) out.removed.push_back(p.get<std::string>());
  }
  for (const auto& p : r->value("failed", nlohmann::json::array())) {
    if (p.is_object()) out.failed.push_back({p.value("path", ""), p.value("reason", "")});
  }
  return out;
}

Result<std::size_t> AgentTarget::remove_stale_temps(const std::string& dir) {
  auto r = hub_.call(pick(), "stale", {{"dir", full(dir)}}, kCallTimeout);
  if (!r.ok()) return r.status();
  return r->value("removed", std::size_t{0});
}

Result<std::string> AgentTarget::read_sha256(const std::string& path) {
  auto r = hub_.call(pick(), "sha256", {{"path", full(path)}}, kCallTimeout);
  if (!r.ok()) return r.status();
  return r->value("sha256", "");
}

}  // namespace distsync
