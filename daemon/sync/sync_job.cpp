#include "daemon/sync/sync_job.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "daemon/commands/job_commands.h"
#include "daemon/targets/local_target.h"

namespace distsync {
namespace {

// How a wait in the gate ended.
enum class Wake { kNothing, kCancel, kStop };

struct Retry {
  std::int64_t due_us;
  PlannedFile file;
  std::uint32_t attempt;  // the attempt to run next
};

std::string cancel_reason_or_default(const std::string& r) {
  return r.empty() ? "cancelled by the operator" : r;
}

class SyncJob {
 public:
  SyncJob(SyncJobEnv& env, std::string id, JobMailbox& mailbox)
      : env_(env), id_(std::move(id)), mb_(mailbox), seen_(env.commands.log().last_seq()) {}

  void run() {
    for (;;) {
      std::optional<JobGate> gate = wait_for_downloads();
      if (!gate || *gate == JobGate::kGone) return;
      if (!prepare()) return;
      gate = this->gate(JobStart{plan_.to_copy.size(), plan_.bytes_to_copy, plan_.up_to_date});
      if (!gate || *gate == JobGate::kGone) return;
      if (*gate == JobGate::kClear) break;  // started
      // A download began while we planned: wait for it again.
    }
    copy();
  }

 private:
  // Runs one decision; a failed append is logged (the job then stays unfinished).
  template <typename Decide>
  bool run_command(const char* what, Decide decide) {
    Result<AppendResult> r = env_.commands.run(decide);
    if (!r.ok()) {
      spdlog::error("sync job {}: cannot append {}: {}; the job stays unfinished and resumes", id_,
                    what, r.status().to_string());
      // The failed commit left the projection ahead of the log; reload it so the supervisor
      // sees the job unfinished and starts it again.
      (void)env_.commands.projections().refresh(env_.commands.log());
    }
    return r.ok();
  }

  // nullopt when the append failed.
  std::optional<JobGate> gate(const std::optional<JobStart>& start) {
    JobGate g = JobGate::kGone;
    bool ok = run_command(start ? "SyncStarted" : "SyncDeferred",
                          [&](const ProjectedState& s, std::vector<EventDraft>* out) {
                            return decide_job_gate(s, id_, start, out, &g);
                          });
    if (!ok) return std::nullopt;
    return g;
  }

  bool append(const char* what, EventPayload event) {
    bool appended = false;
    return run_command(what, [&](const ProjectedState& s, std::vector<EventDraft>* out) {
      return decide_job_event(s, id_, event, out, &appended);
    });
  }

  void fail(const std::string& reason) { (void)append("SyncFailed", SyncFailed{reason, 0, 0}); }

  // kGate. kGone also when stopped, or after appending SyncCancelled.
  std::optional<JobGate> wait_for_downloads() {
    for (;;) {
      if (env_.stop) return JobGate::kGone;
      std::optional<JobGate> g = gate(std::nullopt);
      if (!g || *g != JobGate::kDeferred) return g;
      std::string reason;
      Wake w = wait_log(&reason);
      if (w == Wake::kStop) return JobGate::kGone;
      if (w == Wake::kCancel) {
        (void)append("SyncCancelled", SyncCancelled{cancel_reason_or_default(reason)});
        return JobGate::kGone;
      }
    }
  }

  // Waits for the log to move or a message; outcomes are not expected here and are dropped.
  Wake wait_log(std::string* cancel_reason) {
    seen_ = env_.commands.log().wait_for_append(seen_, env_.options.poll);
    while (auto m = mb_.try_take()) {
      if (std::holds_alternative<StopJobMsg>(*m)) return Wake::kStop;
      if (auto* c = std::get_if<CancelJobMsg>(&*m)) {
        *cancel_reason = c->reason;
        return Wake::kCancel;
      }
    }
    return env_.stop ? Wake::kStop : Wake::kNothing;
  }

  // kPrepare. False when the job ended (SyncFailed) or cannot go on.
  bool prepare() {
    bool have_server = env_.commands.projections().with_state([&](const ProjectedState& s) {
      if (const JobRecord* j = s.jobs.find(id_)) job_ = *j;
      const ServerRecord* rec = s.servers.find(job_.server);
      if (rec != nullptr) server_ = rec->spec;
      return rec != nullptr;
    });
    if (!have_server) {
      fail("server '" + job_.server + "' is not registered; add it with 'distsync server add'");
      return false;
    }
    Result<std::vector<ComponentRoot>> roots =
        resolve_components(env_.options.layout, server_, job_.component);
    if (!roots.ok()) {
      fail(roots.status().message());
      return false;
    }
    roots_ = std::move(roots.value());
    target_ = env_.options.make_target ? env_.options.make_target(server_)
                                       : std::make_shared<LocalTarget>(server_.root_path);
    for (const auto& root : roots_) {
      PreflightReport p = target_->preflight(root.target_dir, 0);
      if (!p.ok()) {
        fail(p.status.message());
        return false;
      }
    }
    // A job that started before left temps behind only if it was interrupted.
    if (job_.attempt > 0) {
      for (const auto& root : roots_) (void)target_->remove_stale_temps(root.target_dir);
    }
    PlanOptions po;
    po.cache_dir = env_.options.cache_dir;
    po.verify = job_.verify;
    po.mtime_tolerance_ns = env_.options.mtime_tolerance_ns;
    po.quiet_period_ns = env_.options.quiet_period_ns;
    po.only.insert(job_.only.begin(), job_.only.end());
    po.already_copied = [&](const std::string& rel, const std::string& sha) {
      return env_.commands.projections().with_state(
          [&](const ProjectedState& s) { return s.jobs.was_copied(id_, rel, sha); });
    };
    Result<SyncPlan> plan = build_sync_plan(roots_, *target_, po, env_.locks);
    if (!plan.ok()) {
      fail(plan.status().message());
      return false;
    }
    plan_ = std::move(plan.value());
    if (pruning() && !job_.force_prune && !within_prune_guard()) return false;
    for (const auto& root : roots_) {
      std::uint64_t need = 0;
      for (const auto& f : plan_.to_copy) {
        if (f.rel.compare(0, root.target_dir.size() + 1, root.target_dir + "/") == 0) {
          need += f.size;
        }
      }
      PreflightReport p = target_->preflight(root.target_dir, need);
      if (!p.ok()) {
        fail(p.status.message());
        return false;
      }
    }
    return true;
  }

  void submit(const PlannedFile& f, std::uint32_t attempt) {
    CopyTask t;
    t.id = env_.next_task_id++;
    t.job = id_;
    t.server = server_.name;
    t.source = f.source;
    t.target = f.target;
    t.size = f.size;
    t.mtime_ns = f.mtime_ns;
    t.sha256 = f.sha256;
    outstanding_[t.id] = {f, attempt};
    to_submit_.push_back(std::move(t));
  }

  void flush() {
    if (!to_submit_.empty()) env_.copies.submit(id_, policy_, std::move(to_submit_));
    to_submit_.clear();
  }

  // A repair (a job limited to some paths) never prunes.
  bool pruning() const { return job_.prune && job_.only.empty(); }

  // False when the guard refused the prune (PruneRefused and SyncFailed appended).
  bool within_prune_guard() {
    std::vector<FolderPrune> folders;
    for (const auto& [dir, paths] : plan_.extras) {
      auto listed = plan_.listed.find(dir);
      folders.push_back({dir, paths.size(), listed == plan_.listed.end() ? 0 : listed->second});
    }
    std::optional<PruneRefused> refused = prune_guard(folders, env_.options.prune_limits);
    if (!refused) return true;
    bool appended = false;
    (void)run_command("PruneRefused", [&](const ProjectedState& s, std::vector<EventDraft>* out) {
      return decide_prune_refused(s, id_, *refused, out, &appended);
    });
    return false;
  }

  // "batch done". False when an append failed.
  bool on_batch(const CopyOutcomes& batch) {
    std::vector<FileCopied> landed;
    for (const CopyOutcome& o : batch) {
      auto it = outstanding_.find(o.id);
      if (it == outstanding_.end()) continue;
      auto [file, attempt] = std::move(it->second);
      outstanding_.erase(it);
      if (o.ok) {
        landed.push_back(FileCopied{file.rel, file.size, file.mtime_ns, file.sha256, verify_});
      } else if (o.failure == "cancelled" || cancelling_) {
        // stopped on purpose: no failure to record
      } else {
        std::uint32_t max = env_.options.retry.max_attempts;
        std::int64_t delay = env_.options.retry.delay_after(attempt);
        std::int64_t next = delay > 0 ? env_.clock.now_us() + delay : 0;
        if (!append("FileCopyFailed",
                    FileCopyFailed{file.rel, o.failure, o.message, attempt, max, next})) {
          return false;
        }
        if (next > 0) {
          retries_.push_back(Retry{next, file, attempt + 1});
        } else {
          ++failed_;
          if (first_failure_.empty()) first_failure_ = file.rel + ": " + o.message;
        }
      }
    }
    if (landed.empty()) return true;
    std::uint64_t n = 0, b = 0;
    if (!run_command("FileCopied", [&](const ProjectedState& s, std::vector<EventDraft>* out) {
          return decide_record_copied(s, id_, landed, out, &n, &b);
        })) {
      return false;
    }
    copied_ += n;
    bytes_ += b;
    return true;
  }

  // kCopy, then kEnd.
  void copy() {
    verify_ = job_.verify || server_.verify_after_copy;
    policy_ = ServerPolicy{server_.bandwidth_limit_bps, server_.max_parallel_copies, verify_};
    for (const auto& f : plan_.to_copy) submit(f, 1);
    flush();
    bool stopping = false;
    std::string cancel_reason;
    while (!outstanding_.empty() || (!retries_.empty() && !cancelling_)) {
      std::int64_t wait_us = std::chrono::microseconds(env_.options.poll).count();
      if (!retries_.empty() && !cancelling_) {
        std::int64_t due =
            std::min_element(retries_.begin(), retries_.end(), [](const Retry& a, const Retry& b) {
              return a.due_us < b.due_us;
            })->due_us;
        wait_us = std::clamp<std::int64_t>(due - env_.clock.now_us(), 0, wait_us);
      }
      std::optional<JobMessage> m = mb_.wait(std::chrono::microseconds(wait_us));
      if (m) {
        if (auto* batch = std::get_if<CopyOutcomes>(&*m)) {
          if (!on_batch(*batch)) stopping = true;
        } else if (auto* c = std::get_if<CancelJobMsg>(&*m)) {
          if (!cancelling_) {
            cancelling_ = true;
            cancel_reason = cancel_reason_or_default(c->reason);
            env_.copies.cancel_job(id_);
          }
        } else if (std::holds_alternative<StopJobMsg>(*m)) {
          stopping = true;
        }
      }
      if (stopping || env_.stop) {
        // No final event: the next start resumes the job and removes what the copies left.
        env_.copies.cancel_job(id_);
        return;
      }
      if (cancelling_) continue;
      std::int64_t now = env_.clock.now_us();
      for (auto it = retries_.begin(); it != retries_.end();) {
        if (it->due_us <= now) {
          submit(it->file, it->attempt);
          it = retries_.erase(it);
        } else {
          ++it;
        }
      }
      flush();
    }
    end(cancel_reason);
  }

  void end(const std::string& cancel_reason) {
    for (const auto& root : roots_) (void)target_->remove_stale_temps(root.target_dir);
    if (cancelling_) {
      (void)append("SyncCancelled", SyncCancelled{cancel_reason});
      return;
    }
    std::uint64_t pruned = 0;
    if (pruning()) {
      for (const auto& [dir, paths] : plan_.extras) {
        PruneReport r = target_->remove(dir, paths);
        pruned += r.removed.size();
        (void)append("FilesPruned", FilesPruned{dir, r.removed, r.failed.size(), job_.force_prune});
      }
    }
    if (failed_ > 0) {
      (void)append("SyncFailed", SyncFailed{std::to_string(failed_) + " file(s) failed after " +
                                                std::to_string(env_.options.retry.max_attempts) +
                                                " attempts; first: " + first_failure_,
                                            copied_, failed_});
    } else {
      (void)append("SyncCompleted",
                   SyncCompleted{copied_, bytes_, plan_.up_to_date, plan_.extras_total, pruned});
    }
  }

  SyncJobEnv& env_;
  const std::string id_;
  JobMailbox& mb_;
  std::uint64_t seen_;

  JobRecord job_;
  ServerSpec server_;
  std::vector<ComponentRoot> roots_;
  std::shared_ptr<Target> target_;
  SyncPlan plan_;

  bool verify_ = false;
  ServerPolicy policy_;  // once per job, to the executor
  bool cancelling_ = false;
  std::map<std::uint64_t, std::pair<PlannedFile, std::uint32_t>> outstanding_;  // by task id
  std::vector<CopyTask> to_submit_;
  std::vector<Retry> retries_;
  std::uint64_t copied_ = 0, bytes_ = 0, failed_ = 0;
  std::string first_failure_;
};

}  // namespace

void run_sync_job(SyncJobEnv& env, const std::string& id, JobMailbox& mailbox) {
  SyncJob(env, id, mailbox).run();
}

}  // namespace distsync
