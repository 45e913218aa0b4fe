#include "daemon/sync/sync_job.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <optional>

#include "daemon/commands/job_commands.h"
#include "daemon/sync/job_machine.h"
#include "daemon/sync/job_preparation.h"
#include "daemon/commands/rate_sources.h"

namespace distsync {
namespace {

struct Retry {
  std::int64_t due_us;
  PlannedFile file;
  std::uint32_t attempt;  // the attempt to run next
};

// The rate in force (rate_in_force.h) as the dispatcher asks it before each batch (empty:
// no plan applies, only the server's fixed limit).
std::function<RateNow()> plan_rate(const std::vector<RatePlanSource>& sources, SyncClock& clock) {
  if (!has_plan(sources)) return {};
  return [sources, &clock] {
    RateInForce r = rate_in_force(sources, clock.now_us());
    return RateNow{r.closed, r.bps};
  };
}

// SyncPaused for the job's server at `now_us`: the closed window in force and when it opens
// (0 when the plans do not say within 8 days, or the window opened meanwhile).
SyncPaused pause_event(const std::string& job, const std::string& server,
                       const std::vector<RatePlanSource>& sources, std::int64_t now_us) {
  RateInForce r = rate_in_force(sources, now_us);
  if (!r.closed) {
    return SyncPaused{job, server,
                      "server '" + server + "' is in the closed window 'closed' until later; "
                      "the sync resumes when it opens",
                      0};
  }
  return SyncPaused{job, server, closed_reason(server, r) + "; the sync resumes when it opens",
                    r.next_change_us.value_or(0)};
}

// The shell around job_machine.h's step(): it waits for the next message, steps, and runs
// the actions. Only this thread touches its members.
class SyncJob {
 public:
  SyncJob(SyncJobEnv& env, std::string id, JobMailbox& mailbox)
      : env_(env), id_(std::move(id)), mb_(mailbox), seen_(env.commands.log().last_seq()) {}

  void run() {
    feed(JobEvent::kBegin);
    while (!terminal(state_)) feed(next_message());
  }

 private:
  // Steps on `first` and on every result the actions give, until nothing is left to do.
  void feed(JobEvent first) {
    std::deque<JobEvent> pending{first};
    while (!pending.empty() && !terminal(state_)) {
      const JobPhase from = state_;
      JobStep s = step(from, pending.front());
      pending.pop_front();
      state_ = s.next;
      for (JobAction a : s.actions) {
        std::optional<JobEvent> result = act(a);
        if (result == JobEvent::kAppendFailed) {
          // The job stays unfinished in the projection; the runner starts it again.
          JobStep f = step(from, JobEvent::kAppendFailed);
          state_ = f.next;
          for (JobAction b : f.actions) (void)act(b);
          return;
        }
        if (result) pending.push_back(*result);
      }
      if (pending.empty() && copying(state_) && idle()) pending.push_back(JobEvent::kIdle);
    }
  }

  bool idle() const {
    return outstanding_.empty() && (retries_.empty() || state_ == JobPhase::kCancelling);
  }

  // Blocks for the next mailbox message (or the log, in the gate) as the state needs it.
  JobEvent next_message() {
    if (env_.stop) return JobEvent::kStop;
    if (!copying(state_)) {
      seen_ = env_.commands.log().wait_for_append(seen_, env_.options.poll);
      while (auto m = mb_.try_take()) {  // copy outcomes are not expected here: dropped
        if (std::holds_alternative<StopJobMsg>(*m)) return JobEvent::kStop;
        if (auto* c = std::get_if<CancelJobMsg>(&*m)) return cancel(c->reason);
      }
      return env_.stop ? JobEvent::kStop : JobEvent::kLogAppended;
    }
    // The executor's hold flag, read at least every poll: one SyncPaused when a closed window
    // first holds the job's queued batches, one SyncResumed when they are handed out again.
    if (auto h = hold_changed()) return *h;
    if (stashed_) {
      JobMessage m = std::move(*stashed_);
      stashed_.reset();
      return take(std::move(m));
    }
    std::int64_t wait_us = std::chrono::microseconds(env_.options.poll).count();
    if (!retries_.empty() && state_ == JobPhase::kCopy) {
      std::int64_t due =
          std::min_element(retries_.begin(), retries_.end(), [](const Retry& a, const Retry& b) {
            return a.due_us < b.due_us;
          })->due_us;
      wait_us = std::clamp<std::int64_t>(due - env_.clock.now_us(), 0, wait_us);
    }
    std::optional<JobMessage> m = mb_.wait(std::chrono::microseconds(wait_us));
    if (!m) return env_.stop ? JobEvent::kStop : JobEvent::kRetryDue;
    // Outcomes of a batch handed out after the hold ended come after its SyncResumed.
    if (auto h = hold_changed()) {
      stashed_ = std::move(m);
      return *h;
    }
    return take(std::move(*m));
  }

  JobEvent take(JobMessage m) {
    if (auto* batch = std::get_if<CopyOutcomes>(&m)) {
      batch_ = std::move(*batch);
      return JobEvent::kBatchDone;
    }
    if (auto* c = std::get_if<CancelJobMsg>(&m)) return cancel(c->reason);
    if (std::holds_alternative<StopJobMsg>(m)) return JobEvent::kStop;
    return JobEvent::kRetryDue;  // the clock jumped
  }

  // kHeld / kReleased while copying when the executor's flag differs from what was recorded.
  std::optional<JobEvent> hold_changed() const {
    if (state_ != JobPhase::kCopy) return std::nullopt;
    const bool held = hold_->held.load();
    if (held == paused_) return std::nullopt;
    return held ? JobEvent::kHeld : JobEvent::kReleased;
  }

  JobEvent cancel(const std::string& reason) {
    if (cancel_reason_.empty()) cancel_reason_ = reason.empty() ? "cancelled by the operator" : reason;
    return JobEvent::kCancel;
  }

  std::optional<JobEvent> act(JobAction a) {
    switch (a) {
      case JobAction::kCheckGate:
        return gate(std::nullopt);
      case JobAction::kPrepare: {
        Result<PreparedJob> p = prepare_sync_job(env_.commands, env_.options, env_.locks, id_);
        if (!p.ok()) {
          failure_ = p.status().message();
          return JobEvent::kFailed;
        }
        job_ = std::move(p.value());
        if (job_.prune_refused) return refuse_prune(*job_.prune_refused);
        const bool prunes = job_.pruning() && !job_.plan.extras.empty();
        return job_.plan.to_copy.empty() && !prunes ? JobEvent::kPreparedIdle
                                                    : JobEvent::kPrepared;
      }
      case JobAction::kStartGate:
        return gate(JobStart{job_.plan.to_copy.size(), job_.plan.bytes_to_copy,
                             job_.plan.up_to_date, std::nullopt});
      case JobAction::kStartGateEnd:
        // What append_final() appends for a job that copied and pruned nothing.
        return gate(JobStart{0, 0, job_.plan.up_to_date,
                             SyncCompleted{0, 0, job_.plan.up_to_date, job_.plan.extras_total, 0}});
      case JobAction::kSubmitPlan:
        verify_ = job_.job.verify || job_.server.verify_after_copy;
        policy_ = ServerPolicy{job_.server.bandwidth_limit_bps, job_.server.max_parallel_copies,
                               verify_, job_.target->locator(), plan_rate(job_.rate_plans, env_.clock),
                               hold_};
        for (const auto& f : job_.plan.to_copy) submit(f, 1);
        flush();
        return std::nullopt;
      case JobAction::kRecordBatch:
        return record_batch() ? std::nullopt : std::optional(JobEvent::kAppendFailed);
      case JobAction::kResubmitDue:
        resubmit_due();
        return std::nullopt;
      case JobAction::kCancelCopies:
        env_.copies.cancel_job(id_);
        return std::nullopt;
      case JobAction::kRemoveTemps:
        for (const auto& root : job_.roots) (void)job_.target->remove_stale_temps(root.target_dir);
        return std::nullopt;
      case JobAction::kRememberHashes:
        remember_learned_hashes();
        return std::nullopt;
      case JobAction::kPrune:
        if (job_.pruning()) {
          for (const auto& [dir, paths] : job_.plan.extras) {
            PruneReport r = job_.target->remove(dir, paths);
            pruned_ += r.removed.size();
            if (auto e = append("FilesPruned", FilesPruned{dir, r.removed, r.failed.size(),
                                                           job_.job.force_prune})) {
              return e;
            }
          }
        }
        return std::nullopt;
      case JobAction::kAppendFinal:
        return append_final();
      case JobAction::kAppendFailed:
        return append("SyncFailed", SyncFailed{failure_, 0, 0});
      case JobAction::kAppendPaused:
        // Recorded as sent, even if the append fails (the job then stops): one per window.
        paused_ = true;
        paused_at_us_ = env_.clock.now_us();
        return append("SyncPaused", pause_event(id_, job_.server.name, job_.rate_plans, paused_at_us_));
      case JobAction::kAppendResumed:
        paused_ = false;
        return append("SyncResumed", SyncResumed{id_, job_.server.name,
                                                 env_.clock.now_us() - paused_at_us_});
      case JobAction::kAppendCancelled:
        return append("SyncCancelled", SyncCancelled{cancel_reason_.empty() ? "cancelled by the operator" : cancel_reason_});
    }
    return std::nullopt;
  }

  // Keeps the hashes the copies computed, so the next plan need not read those files again.
  void remember_learned_hashes() {
    if (Status s = remember_copied_hashes(job_.roots, env_.options.cache_dir, learned_, env_.locks);
        !s.is_ok()) {
      spdlog::warn("sync job {}: {}; the next sync hashes those files again", id_, s.message());
    }
    learned_.clear();
  }

  // PruneRefused, then SyncFailed naming the count; the job ends before anything is copied.
  JobEvent refuse_prune(const PruneRefused& refused) {
    bool appended = false;
    bool ok = run_command("PruneRefused", [&](const ProjectedState& s, std::vector<EventDraft>* out) {
      return decide_prune_refused(s, id_, refused, out, &appended);
    });
    return ok ? JobEvent::kGone : JobEvent::kAppendFailed;
  }

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

  JobEvent gate(const std::optional<JobStart>& start) {
    JobGate g = JobGate::kGone;
    bool ok = run_command(start ? "SyncStarted" : "SyncDeferred",
                          [&](const ProjectedState& s, std::vector<EventDraft>* out) {
                            return decide_job_gate(s, id_, start, out, &g, env_.clock.now_us());
                          });
    if (!ok) return JobEvent::kAppendFailed;
    if (g == JobGate::kClear && start && start->completed) return JobEvent::kClearEnded;
    return g == JobGate::kDeferred ? JobEvent::kDeferred
           : g == JobGate::kClear  ? JobEvent::kClear
                                   : JobEvent::kGone;
  }

  std::optional<JobEvent> append(const char* what, EventPayload event) {
    bool appended = false;
    bool ok = run_command(what, [&](const ProjectedState& s, std::vector<EventDraft>* out) {
      return decide_job_event(s, id_, event, out, &appended);
    });
    return ok ? std::nullopt : std::optional(JobEvent::kAppendFailed);
  }

  std::optional<JobEvent> append_final() {
    if (failed_ > 0) {
      return append("SyncFailed", SyncFailed{std::to_string(failed_) + " file(s) failed after " +
                                                 std::to_string(env_.options.retry.max_attempts) +
                                                 " attempts; first: " + first_failure_,
                                             copied_, failed_});
    }
    return append("SyncCompleted", SyncCompleted{copied_, bytes_, job_.plan.up_to_date,
                                                 job_.plan.extras_total, pruned_});
  }

  void submit(const PlannedFile& f, std::uint32_t attempt) {
    CopyTask t;
    t.id = env_.next_task_id++;
    t.job = id_;
    t.server = job_.server.name;
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

  void resubmit_due() {
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

  // "batch done": FileCopied for what landed (one Command), FileCopyFailed with the next
  // retry time for what failed. While cancelling, failures are not recorded. False when an
  // append failed.
  bool record_batch() {
    const bool cancelling = state_ == JobPhase::kCancelling;
    std::vector<FileCopied> landed;
    for (const CopyOutcome& o : batch_) {
      auto it = outstanding_.find(o.id);
      if (it == outstanding_.end()) continue;
      auto [file, attempt] = std::move(it->second);
      outstanding_.erase(it);
      if (o.ok) {
        // A file planned without a hash was hashed by its copy (one read of the source).
        if (file.sha256.empty() && !o.sha256.empty()) {
          file.sha256 = o.sha256;
          learned_.push_back(file);
        }
        landed.push_back(FileCopied{file.rel, file.size, file.mtime_ns, file.sha256, verify_});
      } else if (o.failure == "cancelled" || cancelling) {
        // stopped on purpose: no failure to record
      } else {
        std::uint32_t max = env_.options.retry.max_attempts;
        std::int64_t delay = env_.options.retry.delay_after(attempt);
        std::int64_t next = delay > 0 ? env_.clock.now_us() + delay : 0;
        if (append("FileCopyFailed", FileCopyFailed{file.rel, o.failure, o.message, attempt,
                                                     max, next})) {
          return false;  // the append failed
        }
        if (next > 0) {
          retries_.push_back(Retry{next, file, attempt + 1});
        } else {
          ++failed_;
          if (first_failure_.empty()) first_failure_ = file.rel + ": " + o.message;
        }
      }
    }
    batch_.clear();
    if (landed.empty()) return true;
    std::uint64_t n = 0, b = 0;
    const auto t0 = std::chrono::steady_clock::now();
    if (!run_command("FileCopied", [&](const ProjectedState& s, std::vector<EventDraft>* out) {
          return decide_record_copied(s, id_, landed, out, &n, &b);
        })) {
      return false;
    }
    spdlog::debug(
        "sync job {}: {} FileCopied appended in {:.1f} ms", id_, landed.size(),
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    copied_ += n;
    bytes_ += b;
    return true;
  }

  SyncJobEnv& env_;
  const std::string id_;
  JobMailbox& mb_;
  std::uint64_t seen_;
  JobPhase state_ = JobPhase::kGate;

  PreparedJob job_;
  std::string failure_;        // why preparation failed
  std::string cancel_reason_;  // the first cancel's
  bool verify_ = false;
  ServerPolicy policy_;  // once per job, to the executor
  const std::shared_ptr<HoldFlag> hold_ = std::make_shared<HoldFlag>();  // in policy_
  bool paused_ = false;             // a SyncPaused without its SyncResumed yet
  std::int64_t paused_at_us_ = 0;
  std::optional<JobMessage> stashed_;  // taken after the hold change recorded before it
  CopyOutcomes batch_;   // the batch a kBatchDone refers to
  std::map<std::uint64_t, std::pair<PlannedFile, std::uint32_t>> outstanding_;  // by task id
  std::vector<CopyTask> to_submit_;
  std::vector<Retry> retries_;
  std::vector<PlannedFile> learned_;  // copied files whose hash their copy computed
  std::uint64_t copied_ = 0, bytes_ = 0, failed_ = 0, pruned_ = 0;
  std::string first_failure_;
};

}  // namespace

void run_sync_job(SyncJobEnv& env, const std::string& id, JobMailbox& mailbox) {
  SyncJob(env, id, mailbox).run();
}

}  // namespace distsync
