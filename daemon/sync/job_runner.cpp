#include "daemon/sync/job_runner.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <vector>

#include "daemon/commands/job_commands.h"
#include "daemon/sync/job_mailbox.h"
#include "daemon/sync/sync_job.h"
#include "daemon/supervision/supervisor.h"

namespace distsync {
namespace {

// What other threads may tell a running job: its mailbox, and what the overlap rule reads.
struct JobSlot {
  std::string server;
  std::string component;
  JobMailbox mailbox;
};

}  // namespace

class JobRunner::Impl {
 public:
  using Jobs = Supervisor<JobSlot>::Units;

  Impl(EventLog& log, ProjectionSet& projections, CopyExecutor& copies, SyncClock& clock,
       JobRunnerOptions options)
      : projections_(projections),
        commands_(log, projections),
        clock_(clock),
        options_(std::move(options)),
        env_{commands_, copies, clock_, options_, locks_, stop_, next_task_id_},
        supervisor_(
            log, options_.poll, [this](Jobs& jobs) { start_runnable_jobs(jobs); },
            [](Jobs& jobs) {
              jobs.for_each([](const std::string&, JobSlot& slot) { slot.mailbox.post(StopJobMsg{}); });
            }) {}

  ~Impl() {
    stop_ = true;
    if (clock_token_ != 0) clock_.remove_listener(clock_token_);
    supervisor_.stop();
  }

  void start() {
    clock_token_ = clock_.add_listener([this] {
      supervisor_.with_units([](Jobs& jobs) {
        jobs.for_each([](const std::string&, JobSlot& slot) { slot.mailbox.post(ClockJumpedMsg{}); });
      });
    });
    supervisor_.start();
  }

  Status cancel(const std::string& id, const std::string& reason) {
    // Under the supervisor's lock, so it cannot start the job between the look and the append.
    return supervisor_.with_units([&](Jobs& jobs) -> Status {
      if (JobSlot* slot = jobs.find(id)) {
        slot->mailbox.post(CancelJobMsg{reason});
        return Status::ok();
      }
      Result<AppendResult> r =
          commands_.run([&](const ProjectedState& s, std::vector<EventDraft>* out) {
            return decide_job_cancel(s, id, options_.console, reason, out);
          });
      return r.ok() ? Status::ok() : r.status();
    });
  }

  void deliver(std::vector<CopyOutcome> outcomes) {
    // A batch is one job's; split defensively all the same.
    std::map<std::string, CopyOutcomes> by_job;
    for (auto& o : outcomes) by_job[o.job].push_back(std::move(o));
    supervisor_.with_units([&](Jobs& jobs) {
      for (auto& [job, list] : by_job) {
        if (JobSlot* slot = jobs.find(job)) slot->mailbox.post(std::move(list));
      }
    });
  }

  std::size_t active_jobs() {
    return supervisor_.with_units([](Jobs& jobs) { return jobs.size(); });
  }

 private:
  // The overlap rule: the oldest unfinished job of ours starts unless a job of the same
  // server with an overlapping component has a thread. Runs on the supervisor thread.
  void start_runnable_jobs(Jobs& jobs) {
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
    for (const auto& c : candidates) {
      if (stop_) return;
      if (jobs.has(c.id)) continue;
      bool blocked = false;
      jobs.for_each([&](const std::string&, JobSlot& slot) {
        if (slot.server == c.server && components_overlap(slot.component, c.component)) {
          blocked = true;
        }
      });
      if (blocked) continue;
      auto slot = std::make_shared<JobSlot>();
      slot->server = c.server;
      slot->component = c.component;
      jobs.launch(c.id, std::move(slot),
                  [this, id = c.id](JobSlot& s) { run_sync_job(env_, id, s.mailbox); });
    }
  }

  ProjectionSet& projections_;
  CommandRunner commands_;
  SyncClock& clock_;
  const JobRunnerOptions options_;
  ManifestLocks locks_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> next_task_id_{1};
  SyncJobEnv env_;
  int clock_token_ = 0;
  Supervisor<JobSlot> supervisor_;
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
