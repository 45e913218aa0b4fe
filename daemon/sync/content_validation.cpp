#include "daemon/sync/content_validation.h"

#include <spdlog/spdlog.h>

#include "daemon/commands/validation_commands.h"
#include "daemon/content/safe_path.h"
#include "daemon/targets/local_target.h"

namespace distsync {

ValidationCompleted validate_content(const ConsoleLayout& layout, const ServerSpec& server,
                                     const std::string& component, Target& target,
                                     const std::atomic<bool>* cancel) {
  ValidationCompleted v;
  v.server = server.name;
  v.component = component;
  Result<std::vector<ComponentRoot>> roots = resolve_components(layout, server, component);
  if (!roots.ok()) {
    v.error = roots.status().message();
    return v;
  }
  for (const ComponentRoot& root : *roots) {
    ManifestOptions mo;
    mo.hash = true;
    mo.cancel = cancel;
    Result<Manifest> console = build_manifest(root.source_root, mo);
    if (!console.ok()) {
      v = ValidationCompleted{server.name, component, "", 0, 0, 0, 0, {}, {},
                              "cannot read the console's " + root.component + " folder: " +
                                  console.status().message()};
      return v;
    }
    Result<Manifest> listed = target.list(root.target_dir, cancel);
    if (!listed.ok()) {
      v = ValidationCompleted{server.name, component, "", 0, 0, 0, 0, {}, {},
                              "cannot list " + join_path(target.describe(), root.target_dir) +
                                  ": " + listed.status().message()};
      return v;
    }
    for (const FileEntry& want : console->files) {
      const std::string rel = root.target_dir + "/" + want.path;
      const FileEntry* have = listed->find(want.path);
      if (have == nullptr) {
        ++v.missing;
        v.missing_paths.push_back(rel);
        continue;
      }
      bool same = have->size == want.size;
      if (same) {
        Result<std::string> h = target.read_sha256(rel);
        same = h.ok() && *h == want.sha256;
      }
      if (same) {
        ++v.ok;
      } else {
        ++v.mismatched;
        v.mismatched_paths.push_back(rel);
      }
    }
    for (const FileEntry& have : listed->files) {
      if (console->find(have.path) == nullptr) ++v.extra;
    }
  }
  return v;
}

ValidationService::ValidationService(CommandRunner& runner, ConsoleLayout layout,
                                     MakeTarget make_target)
    : runner_(runner), layout_(std::move(layout)), make_target_(std::move(make_target)) {
  thread_ = std::thread([this] { loop(); });
}

ValidationService::~ValidationService() { stop(); }

void ValidationService::stop() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  cancel_ = true;
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void ValidationService::submit(std::vector<ValidationRequest> requests) {
  {
    MutexLock lock(&mu_);
    for (auto& r : requests) {
      known_[r.id] = ValidationStatus{"queued", r.server, "", "", {}};
      queue_.push_back(std::move(r));
    }
  }
  cv_.notify_all();
}

std::optional<ValidationStatus> ValidationService::status(const std::string& id) const {
  MutexLock lock(&mu_);
  auto it = known_.find(id);
  if (it == known_.end()) return std::nullopt;
  return it->second;
}

void ValidationService::loop() {
  for (;;) {
    ValidationRequest r;
    {
      MutexLock lock(&mu_);
      while (!stopping_ && queue_.empty()) cv_.wait(&mu_);
      if (stopping_) return;
      r = std::move(queue_.front());
      queue_.pop_front();
      known_[r.id].state = "running";
    }
    run_one(r);
  }
}

void ValidationService::run_one(const ValidationRequest& r) {
  std::optional<ServerSpec> spec = runner_.read([&](const ProjectedState& s) -> std::optional<ServerSpec> {
    const ServerRecord* rec = s.servers.find(r.server);
    if (rec == nullptr) return std::nullopt;
    return rec->spec;
  });
  ValidationStatus done{"failed", r.server, "", "", {}};
  if (!spec) {
    done.error = "server '" + r.server + "' is not registered";
  } else {
    std::shared_ptr<Target> target =
        make_target_ ? make_target_(*spec) : std::make_shared<LocalTarget>(spec->root_path);
    ValidationCompleted found = validate_content(layout_, *spec, r.component, *target, &cancel_);
    if (cancel_) return;  // stopping: a walk cut short proves nothing
    found.trigger = r.trigger;
    std::string repair_job;
    auto appended = runner_.run([&](const ProjectedState& s, std::vector<EventDraft>* out) {
      return decide_validation_completed(s, r.id, found, r.repair, out, &repair_job);
    });
    if (appended.ok()) {
      done = ValidationStatus{"completed", r.server, repair_job, found.error, found};
    } else {
      done.error = appended.status().message();
      spdlog::error("validation {}: cannot record its result: {}", r.id, done.error);
    }
  }
  MutexLock lock(&mu_);
  known_[r.id] = std::move(done);
}

}  // namespace distsync
