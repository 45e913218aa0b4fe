#include "daemon/sync/job_runner.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "daemon/content/atomic_copy.h"
#include "daemon/content/diff.h"
#include "daemon/content/preflight.h"
#include "daemon/sync/job_mailbox.h"
#include "daemon/sync/sync_plan.h"
#include "events/mutex.h"

namespace distsync {
namespace {

// How a job thread's wait ended.
enum class Wake { kNothing, kCancel, kStop };

struct JobSlot {
  std::string server;
  std::string component;
  JobMailbox mailbox;
  std::thread thread;
  std::atomic<bool> done{false};
};

std::string first_running_download(const ProjectedState& s, std::string* kind) {
  auto running = s.downloads.running();
  if (running.empty()) return "";
  *kind = running.front()->kind;
  return running.front()->id;
}

}  // namespace

class JobRunner::Impl {
 public:
  Impl(EventLog& log, const ProjectionSet& projections, CopyDispatcher& dispatcher,
       SyncClock& clock, JobRunnerOptions options)
      : log_(log),
        projections_(projections),
        dispatcher_(dispatcher),
        clock_(clock),
        options_(std::move(options)) {}

  ~Impl() {
    stop_ = true;
    if (clock_token_ != 0) clock_.remove_listener(clock_token_);
    if (supervisor_.joinable()) supervisor_.join();
    std::map<std::string, std::shared_ptr<JobSlot>> jobs;
    {
      MutexLock lock(&mu_);
      jobs.swap(jobs_);
    }
    for (auto& [id, slot] : jobs) slot->mailbox.post(StopJobMsg{});
    for (auto& [id, slot] : jobs) slot->thread.join();
  }

  void start() {
    clock_token_ = clock_.add_listener([this] {
      MutexLock lock(&mu_);
      for (auto& [id, slot] : jobs_) slot->mailbox.post(ClockJumpedMsg{});
    });
    supervisor_ = std::thread([this] { supervise(); });
  }

  Status cancel(const std::string& id, const std::string& reason) {
    MutexLock lock(&mu_);
    auto it = jobs_.find(id);
    if (it != jobs_.end() && !it->second->done) {
      it->second->mailbox.post(CancelJobMsg{reason});
      return Status::ok();
    }
    // Not running here: cancel it in the log, under mu_ so the supervisor cannot start it
    // between the check and the append.
    Status refusal;
    Result<AppendResult> r = log_.execute([&](std::uint64_t, std::vector<EventDraft>* out) {
      return projections_.with_state([&](const ProjectedState& s) {
        const JobRecord* job = s.jobs.find(id);
        if (job == nullptr || is_finished(job->status)) {
          return Status::not_found("no unfinished job '" + id +
                                   "'; list jobs with 'distsync sync jobs'");
        }
        if (job->console != options_.console) {
          return Status::conflict("job '" + id + "' belongs to console '" + job->console +
                                  "'; cancel it there");
        }
        out->push_back({id, SyncCancelled{reason}});
        return Status::ok();
      });
    });
    return r.ok() ? Status::ok() : r.status();
  }

  void deliver(std::vector<CopyOutcome> outcomes) {
    // A batch is one job's; split defensively all the same.
    std::map<std::string, CopyOutcomes> by_job;
    for (auto& o : outcomes) by_job[o.job].push_back(std::move(o));
    MutexLock lock(&mu_);
    for (auto& [job, list] : by_job) {
      auto it = jobs_.find(job);
      if (it != jobs_.end()) it->second->mailbox.post(std::move(list));
    }
  }

  std::size_t active_jobs() const {
    MutexLock lock(&mu_);
    return jobs_.size();
  }

 private:
  void supervise() {
    std::uint64_t seen = 0;
    while (!stop_) {
      reap();
      start_runnable_jobs();
      seen = log_.wait_for_append(seen, options_.poll);
    }
  }

  void reap() {
    std::vector<std::shared_ptr<JobSlot>> finished;
    {
      MutexLock lock(&mu_);
      for (auto it = jobs_.begin(); it != jobs_.end();) {
        if (it->second->done) {
          finished.push_back(it->second);
          it = jobs_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& slot : finished) slot->thread.join();
  }

  void start_runnable_jobs() {
    struct Candidate {
      std::int64_t queued_us;
      std::string id, server, component;
    };
    std::vector<Candidate> candidates = projections_.with_state([&](const ProjectedState& s) {
      std::vector<Candidate> out;
      for (const JobRecord* j : s.jobs.unfinished()) {
        if (j->console == options_.console)
          out.push_back({j->queued_us, j->id, j->server, j->component});
      }
      return out;
    });
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      return std::tie(a.queued_us, a.id) < std::tie(b.queued_us, b.id);
    });
    MutexLock lock(&mu_);
    for (const auto& c : candidates) {
      if (stop_) return;
      if (jobs_.count(c.id)) continue;
      bool blocked = false;
      for (const auto& [id, slot] : jobs_) {
        if (slot->server == c.server && components_overlap(slot->component, c.component)) {
          blocked = true;
        }
      }
      if (blocked) continue;
      auto slot = std::make_shared<JobSlot>();
      slot->server = c.server;
      slot->component = c.component;
      JobSlot* raw = slot.get();
      jobs_[c.id] = slot;
      raw->thread = std::thread([this, raw, id = c.id] {
        run_job(id, raw->mailbox);
        raw->done = true;
      });
    }
  }

  // Appends `payload` for job `id` if the job is still unfinished; *appended says whether.
  Status append_for_job(const std::string& id, EventPayload payload, bool* appended = nullptr) {
    bool did = false;
    Result<AppendResult> r = log_.execute([&](std::uint64_t, std::vector<EventDraft>* out) {
      did = projections_.with_state([&](const ProjectedState& s) {
        const JobRecord* job = s.jobs.find(id);
        return job != nullptr && !is_finished(job->status);
      });
      if (did) out->push_back({id, payload});
      return Status::ok();
    });
    if (appended) *appended = did && r.ok();
    return r.ok() ? Status::ok() : r.status();
  }

  // Waits for the log to move or a message; outcomes are not expected here and are dropped.
  Wake wait_log(JobMailbox& mb, std::uint64_t* seen, std::string* cancel_reason) {
    *seen = log_.wait_for_append(*seen, options_.poll);
    while (auto m = mb.try_take()) {
      if (std::holds_alternative<StopJobMsg>(*m)) return Wake::kStop;
      if (auto* c = std::get_if<CancelJobMsg>(&*m)) {
        *cancel_reason = c->reason;
        return Wake::kCancel;
      }
    }
    return stop_ ? Wake::kStop : Wake::kNothing;
  }

  std::string cancel_reason_or_default(const std::string& r) {
    return r.empty() ? "cancelled by the operator" : r;
  }

  void run_job(const std::string& id, JobMailbox& mb) {
    std::uint64_t seen = log_.last_seq();
    std::string cancel_reason;
    for (;;) {  // until SyncStarted is appended
      // 1. R6: wait while a download runs.
      for (;;) {
        if (stop_) return;
        bool gone = false, deferred = false;
        Result<AppendResult> r = log_.execute([&](std::uint64_t, std::vector<EventDraft>* out) {
          return projections_.with_state([&](const ProjectedState& s) {
            const JobRecord* job = s.jobs.find(id);
            gone = job == nullptr || is_finished(job->status);
            if (gone) return Status::ok();
            std::string kind;
            std::string download = first_running_download(s, &kind);
            deferred = !download.empty();
            if (deferred && (job->status != JobStatus::kDeferred || job->deferred_by != download)) {
              out->push_back(
                  {id, SyncDeferred{download, "download '" + download + "' (" + kind +
                                                  ") is running; the sync starts when it ends"}});
            }
            return Status::ok();
          });
        });
        if (!r.ok() || gone) return;
        if (!deferred) break;
        Wake w = wait_log(mb, &seen, &cancel_reason);
        if (w == Wake::kStop) return;
        if (w == Wake::kCancel) {
          (void)append_for_job(id, SyncCancelled{cancel_reason_or_default(cancel_reason)});
          return;
        }
      }

      // 2. Where to, and may we write there (R7)?
      JobRecord job;
      ServerSpec server;
      bool have_server = projections_.with_state([&](const ProjectedState& s) {
        if (const JobRecord* j = s.jobs.find(id)) job = *j;
        const ServerRecord* rec = s.servers.find(job.server);
        if (rec != nullptr) server = rec->spec;
        return rec != nullptr;
      });
      if (!have_server) {
        (void)append_for_job(
            id, SyncFailed{"server '" + job.server +
                               "' is not registered; add it with 'distsync server add'",
                           0, 0});
        return;
      }
      Result<std::vector<ComponentRoot>> roots =
          resolve_components(options_.layout, server, job.component);
      if (!roots.ok()) {
        (void)append_for_job(id, SyncFailed{roots.status().message(), 0, 0});
        return;
      }
      for (const auto& root : *roots) {
        PreflightReport p = preflight_target(root.target_root);
        if (!p.ok()) {
          (void)append_for_job(id, SyncFailed{p.status.message(), 0, 0});
          return;
        }
      }
      // 3. A job that started before left temps behind only if it was interrupted.
      if (job.attempt > 0) {
        for (const auto& root : *roots) (void)remove_stale_temps(root.target_root);
      }
      // 4. Plan, check the space, start.
      PlanOptions po;
      po.cache_dir = options_.cache_dir;
      po.verify = job.verify;
      po.mtime_tolerance_ns = options_.mtime_tolerance_ns;
      po.quiet_period_ns = options_.quiet_period_ns;
      po.already_copied = [&](const std::string& rel, const std::string& sha) {
        return projections_.with_state(
            [&](const ProjectedState& s) { return s.jobs.was_copied(id, rel, sha); });
      };
      Result<SyncPlan> plan = build_sync_plan(*roots, po, locks_);
      if (!plan.ok()) {
        (void)append_for_job(id, SyncFailed{plan.status().message(), 0, 0});
        return;
      }
      for (const auto& root : *roots) {
        std::uint64_t need = 0;
        for (const auto& f : plan->to_copy) {
          if (f.target.compare(0, root.target_root.size() + 1, root.target_root + "/") == 0) {
            need += f.size;
          }
        }
        PreflightOptions o;
        o.min_free_bytes = need;
        PreflightReport p = preflight_target(root.target_root, o);
        if (!p.ok()) {
          (void)append_for_job(id, SyncFailed{p.status.message(), 0, 0});
          return;
        }
      }
      bool started = false, gone = false;
      Result<AppendResult> r = log_.execute([&](std::uint64_t, std::vector<EventDraft>* out) {
        return projections_.with_state([&](const ProjectedState& s) {
          const JobRecord* j = s.jobs.find(id);
          gone = j == nullptr || is_finished(j->status);
          if (gone) return Status::ok();
          std::string kind;
          std::string download = first_running_download(s, &kind);
          started = download.empty();
          if (started) {
            out->push_back({id, SyncStarted{plan->to_copy.size(), plan->bytes_to_copy,
                                            plan->up_to_date, j->attempt + 1}});
          } else if (j->status != JobStatus::kDeferred || j->deferred_by != download) {
            out->push_back(
                {id, SyncDeferred{download, "download '" + download + "' (" + kind +
                                                ") is running; the sync starts when it ends"}});
          }
          return Status::ok();
        });
      });
      if (!r.ok() || gone) return;
      if (!started) continue;  // a download began while we planned: wait for it again
      copy_files(id, job, server, *roots, std::move(plan.value()), mb);
      return;
    }
  }

  struct Retry {
    std::int64_t due_us;
    PlannedFile file;
    std::uint32_t attempt;  // the attempt to run next
  };

  void copy_files(const std::string& id, const JobRecord& job, const ServerSpec& server,
                  const std::vector<ComponentRoot>& roots, SyncPlan plan, JobMailbox& mb) {
    std::map<std::uint64_t, std::pair<PlannedFile, std::uint32_t>> outstanding;  // task id
    std::vector<Retry> retries;
    std::uint64_t copied = 0, bytes = 0, failed = 0;
    std::string first_failure;
    const bool verify = job.verify || server.verify_after_copy;
    std::vector<CopyTask> to_submit;
    auto submit = [&](const PlannedFile& f, std::uint32_t attempt) {
      CopyTask t;
      t.id = next_task_id_++;
      t.job = id;
      t.server = server.name;
      t.source = f.source;
      t.target = f.target;
      t.size = f.size;
      t.mtime_ns = f.mtime_ns;
      t.sha256 = f.sha256;
      t.verify = verify;
      t.bandwidth_bps = server.bandwidth_limit_bps;
      t.max_parallel = server.max_parallel_copies;
      outstanding[t.id] = {f, attempt};
      to_submit.push_back(std::move(t));
    };
    auto flush = [&] {
      if (!to_submit.empty()) dispatcher_.submit(std::move(to_submit));
      to_submit.clear();
    };
    for (const auto& f : plan.to_copy) submit(f, 1);
    flush();

    bool cancelling = false, stopping = false;
    std::string cancel_reason;
    while (!outstanding.empty() || (!retries.empty() && !cancelling)) {
      std::int64_t wait_us = std::chrono::microseconds(options_.poll).count();
      if (!retries.empty() && !cancelling) {
        std::int64_t due =
            std::min_element(retries.begin(), retries.end(), [](const Retry& a, const Retry& b) {
              return a.due_us < b.due_us;
            })->due_us;
        wait_us = std::clamp<std::int64_t>(due - clock_.now_us(), 0, wait_us);
      }
      std::optional<JobMessage> m = mb.wait(std::chrono::microseconds(wait_us));
      if (m) {
        if (auto* batch = std::get_if<CopyOutcomes>(&*m)) {
          std::vector<PlannedFile> landed;
          for (const CopyOutcome& o : *batch) {
            auto it = outstanding.find(o.id);
            if (it == outstanding.end()) continue;
            auto [file, attempt] = std::move(it->second);
            outstanding.erase(it);
            if (o.ok) {
              landed.push_back(std::move(file));
            } else if (o.failure == "cancelled" || cancelling) {
              // stopped on purpose: no failure to record
            } else {
              std::uint32_t max = options_.retry.max_attempts;
              std::int64_t delay = options_.retry.delay_after(attempt);
              std::int64_t next = delay > 0 ? clock_.now_us() + delay : 0;
              (void)append_for_job(
                  id, FileCopyFailed{file.rel, o.failure, o.message, attempt, max, next});
              if (next > 0) {
                retries.push_back(Retry{next, file, attempt + 1});
              } else {
                ++failed;
                if (first_failure.empty()) first_failure = file.rel + ": " + o.message;
              }
            }
          }
          if (!landed.empty()) {
            std::uint64_t n = 0, b = 0;
            if (!record_copied(id, landed, verify, &n, &b).is_ok()) stopping = true;  // log closed
            copied += n;
            bytes += b;
          }
        } else if (auto* c = std::get_if<CancelJobMsg>(&*m)) {
          if (!cancelling) {
            cancelling = true;
            cancel_reason = cancel_reason_or_default(c->reason);
            dispatcher_.cancel_job(id);
          }
        } else if (std::holds_alternative<StopJobMsg>(*m)) {
          stopping = true;
        }
      }
      if (stopping || stop_) {
        // No final event: the next start resumes the job and removes what the copies left.
        dispatcher_.cancel_job(id);
        return;
      }
      if (cancelling) continue;
      std::int64_t now = clock_.now_us();
      for (auto it = retries.begin(); it != retries.end();) {
        if (it->due_us <= now) {
          submit(it->file, it->attempt);
          it = retries.erase(it);
        } else {
          ++it;
        }
      }
      flush();
    }
    for (const auto& root : roots) (void)remove_stale_temps(root.target_root);
    if (cancelling) {
      (void)append_for_job(id, SyncCancelled{cancel_reason});
      return;
    }
    std::uint64_t pruned = 0;
    if (job.prune) {
      for (const auto& [root, paths] : plan.extras) pruned += prune(root, paths).removed.size();
    }
    if (failed > 0) {
      (void)append_for_job(id, SyncFailed{std::to_string(failed) + " file(s) failed after " +
                                              std::to_string(options_.retry.max_attempts) +
                                              " attempts; first: " + first_failure,
                                          copied, failed});
    } else {
      (void)append_for_job(
          id, SyncCompleted{copied, bytes, plan.up_to_date, plan.extras_total, pruned});
    }
  }

  // One FileCopied per landed file, all in one Command (one group commit), except for files
  // this job already recorded with the same path and hash (checked inside the Command, so
  // two outcomes for one file — a re-dispatched batch — record it once). *copied and *bytes
  // count what was appended.
  Status record_copied(const std::string& id, const std::vector<PlannedFile>& files, bool verified,
                       std::uint64_t* copied, std::uint64_t* bytes) {
    std::uint64_t n = 0, b = 0;
    Result<AppendResult> r = log_.execute([&](std::uint64_t, std::vector<EventDraft>* out) {
      n = 0;
      b = 0;
      projections_.with_state([&](const ProjectedState& s) {
        const JobRecord* job = s.jobs.find(id);
        if (job == nullptr || is_finished(job->status)) return 0;
        std::set<std::pair<std::string, std::string>> seen;
        for (const PlannedFile& f : files) {
          if (s.jobs.was_copied(id, f.rel, f.sha256) || !seen.emplace(f.rel, f.sha256).second) {
            continue;
          }
          out->push_back({id, FileCopied{f.rel, f.size, f.mtime_ns, f.sha256, verified}});
          ++n;
          b += f.size;
        }
        return 0;
      });
      return Status::ok();
    });
    *copied = r.ok() ? n : 0;
    *bytes = r.ok() ? b : 0;
    return r.ok() ? Status::ok() : r.status();
  }

  EventLog& log_;
  const ProjectionSet& projections_;
  CopyDispatcher& dispatcher_;
  SyncClock& clock_;
  const JobRunnerOptions options_;
  ManifestLocks locks_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> next_task_id_{1};
  int clock_token_ = 0;
  std::thread supervisor_;

  mutable Mutex mu_;
  std::map<std::string, std::shared_ptr<JobSlot>> jobs_ GUARDED_BY(mu_);
};

JobRunner::JobRunner(EventLog& log, const ProjectionSet& projections, CopyDispatcher& dispatcher,
                     SyncClock& clock, JobRunnerOptions options)
    : impl_(std::make_unique<Impl>(log, projections, dispatcher, clock, std::move(options))) {}
JobRunner::~JobRunner() = default;
void JobRunner::start() { impl_->start(); }
Status JobRunner::cancel(const std::string& job_id, const std::string& reason) {
  return impl_->cancel(job_id, reason);
}
void JobRunner::deliver(std::vector<CopyOutcome> outcomes) { impl_->deliver(std::move(outcomes)); }
std::size_t JobRunner::active_jobs() const { return impl_->active_jobs(); }

}  // namespace distsync
