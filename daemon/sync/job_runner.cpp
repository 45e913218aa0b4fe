#include "daemon/sync/job_runner.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "daemon/commands/job_commands.h"
#include "daemon/sync/job_mailbox.h"
#include "daemon/sync/sync_job.h"
#include "events/mutex.h"

namespace distsync {
namespace {

struct JobSlot {
  std::string server;
  std::string component;
  JobMailbox mailbox;
  std::thread thread;
  std::atomic<bool> done{false};
};

}  // namespace

class JobRunner::Impl {
 public:
  Impl(EventLog& log, ProjectionSet& projections, CopyExecutor& copies, SyncClock& clock,
       JobRunnerOptions options)
      : log_(log),
        projections_(projections),
        commands_(log, projections),
        clock_(clock),
        options_(std::move(options)),
        env_{commands_, copies, clock_, options_, locks_, stop_, next_task_id_} {}

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
    Result<AppendResult> r =
        commands_.run([&](const ProjectedState& s, std::vector<EventDraft>* out) {
          return decide_job_cancel(s, id, options_.console, reason, out);
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
        run_sync_job(env_, id, raw->mailbox);
        raw->done = true;
      });
    }
  }

  EventLog& log_;
  ProjectionSet& projections_;
  CommandRunner commands_;
  SyncClock& clock_;
  const JobRunnerOptions options_;
  ManifestLocks locks_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> next_task_id_{1};
  SyncJobEnv env_;
  int clock_token_ = 0;
  std::thread supervisor_;

  mutable Mutex mu_;
  std::map<std::string, std::shared_ptr<JobSlot>> jobs_ GUARDED_BY(mu_);
};

JobRunner::JobRunner(EventLog& log, ProjectionSet& projections, CopyExecutor& copies,
                     SyncClock& clock, JobRunnerOptions options)
    : impl_(std::make_unique<Impl>(log, projections, copies, clock, std::move(options))) {}
JobRunner::~JobRunner() = default;
void JobRunner::start() { impl_->start(); }
Status JobRunner::cancel(const std::string& job_id, const std::string& reason) {
  return impl_->cancel(job_id, reason);
}
void JobRunner::deliver(std::vector<CopyOutcome> outcomes) { impl_->deliver(std::move(outcomes)); }
std::size_t JobRunner::active_jobs() const { return impl_->active_jobs(); }

}  // namespace distsync
