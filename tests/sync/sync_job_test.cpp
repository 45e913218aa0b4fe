// The job runner as a unit: a whole sync against the in-memory log and the in-memory target,
// with an injected clock and copies run inline, so nothing here sleeps or touches a server
// folder (the console's files are a temp dir, read as the daemon reads them).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>

#include "daemon/sync/job_runner.h"
#include "daemon/targets/memory_target.h"
#include "events/log/memory_event_log.h"
#include "events/mutex.h"
#include "projections/projection_set.h"
#include "tests/support/temp_dir.h"

namespace distsync::testing {
namespace {

namespace fs = std::filesystem;

// Copies batches of `batch_files` on the submitting thread, against a MemoryTarget, and hands
// each batch's outcomes to the runner, as the dispatcher's callback would.
class InlineExecutor : public CopyExecutor {
 public:
  InlineExecutor(MemoryTarget& target, std::size_t batch_files)
      : target_(target), batch_files_(batch_files) {}
  void set_runner(JobRunner* runner) { runner_ = runner; }

  void submit(const std::string&, const ServerPolicy& policy,
              std::vector<CopyTask> tasks) override {
    policies_.push_back(policy);
    for (std::size_t i = 0; i < tasks.size(); i += batch_files_) {
      std::size_t end = std::min(tasks.size(), i + batch_files_);
      std::vector<TargetFile> files;
      for (std::size_t k = i; k < end; ++k) {
        files.push_back({tasks[k].source, tasks[k].target, tasks[k].sha256});
      }
      BatchCopyOptions o;
      o.verify = policy.verify;
      std::vector<CopyResult> results = target_.write_batch(files, o);
      std::vector<CopyOutcome> outcomes;
      for (std::size_t k = i; k < end; ++k) {
        const CopyResult& r = results[k - i];
        outcomes.push_back({tasks[k].id, tasks[k].job, r.ok(),
                            std::string(copy_failure_name(r.failure)), r.status.message(), r.bytes,
                            r.sha256});
      }
      runner_->deliver(std::move(outcomes));
    }
  }
  void cancel_job(const std::string&) override {}
  std::vector<ServerPolicy> policies() const { return policies_; }

 private:
  MemoryTarget& target_;
  const std::size_t batch_files_;
  JobRunner* runner_ = nullptr;
  std::vector<ServerPolicy> policies_;  // one per submit
};

// Copies the first `batch_files` tasks of a submit at once, as InlineExecutor does, and keeps
// the rest until pump(), which hands them out only while the policy's plan is open and
// otherwise sets the policy's hold flag, as the dispatcher does for a closed window.
class HoldingExecutor : public CopyExecutor {
 public:
  HoldingExecutor(MemoryTarget& target, std::size_t batch_files) : inline_(target, batch_files) {}
  void set_runner(JobRunner* runner) { inline_.set_runner(runner); }
  void submit(const std::string& job, const ServerPolicy& policy,
              std::vector<CopyTask> tasks) override {
    std::vector<CopyTask> first;
    {
      MutexLock lock(&mu_);
      policy_ = policy;
      for (auto& t : tasks) (first.size() < 2 ? first : queued_).push_back(std::move(t));
    }
    if (!first.empty()) inline_.submit(job, policy, std::move(first));
  }
  void cancel_job(const std::string&) override {}
  // From the test thread. False when the plan is closed (the batches stay held).
  bool pump() {
    ServerPolicy policy;
    std::vector<CopyTask> tasks;
    {
      MutexLock lock(&mu_);
      policy = policy_;
      if (policy.rate_now && policy.rate_now().closed) {
        if (policy.hold) policy.hold->held = true;
        return false;
      }
      if (policy.hold) policy.hold->held = false;
      tasks.swap(queued_);
    }
    if (!tasks.empty()) inline_.submit(tasks.front().job, policy, std::move(tasks));
    return true;
  }

 private:
  InlineExecutor inline_;
  Mutex mu_;
  ServerPolicy policy_ GUARDED_BY(mu_);
  std::vector<CopyTask> queued_ GUARDED_BY(mu_);
};

class SyncJobTest : public ::testing::Test {
 protected:
  static constexpr std::int64_t kT0 = 1'700'000'000'000'000;

  SyncJobTest()
      : clock_(kT0),
        log_("console-1", &projections_, [this] { return clock_.now_us(); }),
        target_(std::make_shared<MemoryTarget>("mem:/berlin")),
        copies_(*target_, 2) {
    for (const char* name : {"a.msu", "b.msu", "c.msu", "d.msu"}) {
      write(std::string("Patches/") + name, std::string("patch ") + name);
    }
    ServerSpec s;
    s.name = "berlin";
    s.root_path = "/srv/dist/berlin";  // never touched: the target is in memory
    s.max_parallel_copies = 4;
    s.bandwidth_limit_bps = 1 << 20;
    EXPECT_TRUE(log_.append({{"", ServerAdded{s}}}).ok());
  }
  ~SyncJobTest() override { runner_.reset(); }

  void write(const std::string& rel, const std::string& data) {
    fs::create_directories(fs::path(dir_.sub("console/" + rel)).parent_path());
    std::ofstream(dir_.sub("console/" + rel), std::ios::binary) << data;
  }

  void start_runner(CopyExecutor* executor = nullptr) {
    JobRunnerOptions o;
    o.console = "console-1";
    o.layout = {dir_.sub("console/Patches"), dir_.sub("console/DataFiles")};
    o.retry.max_attempts = 3;
    o.poll = std::chrono::milliseconds(20);
    o.make_target = [target = target_](const ServerSpec&) { return target; };
    runner_ = std::make_unique<JobRunner>(log_, projections_, executor ? *executor : copies_,
                                          clock_, o);
    copies_.set_runner(runner_.get());
    holding_.set_runner(runner_.get());
    runner_->start();
  }

  std::vector<Event> events_of(const std::string& job) {
    std::vector<Event> out;
    auto r = log_.read(1, log_.last_seq(), 1'000'000);
    EXPECT_TRUE(r.ok());
    for (auto& e : r.value()) {
      if (e.correlation == job) out.push_back(std::move(e));
    }
    return out;
  }

  // The nth event of `type` for `job`, waiting on the log (with a deadline, never a sleep).
  std::optional<Event> wait_for(const std::string& job, std::string_view type,
                                std::size_t nth = 1) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      std::size_t seen = 0;
      for (auto& e : events_of(job)) {
        if (e.type() == type && ++seen == nth) return e;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        for (const auto& e : events_of(job)) ADD_FAILURE() << "seen: " << e.seq << " " << e.type();
        return std::nullopt;
      }
      log_.wait_for_append(log_.last_seq(), std::chrono::milliseconds(100));
    }
  }

  static std::vector<std::string> types(const std::vector<Event>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.emplace_back(e.type());
    return out;
  }

  TempDir dir_;
  ManualClock clock_;
  ProjectionSet projections_;
  MemoryEventLog log_;
  std::shared_ptr<MemoryTarget> target_;
  InlineExecutor copies_;
  HoldingExecutor holding_{*target_, 2};
  std::unique_ptr<JobRunner> runner_;
};

TEST_F(SyncJobTest, AWholeSyncDefersStartsCopiesTwoBatchesRetriesOnceAndCompletes) {
  ASSERT_TRUE(log_.append({{"dl-1", DownloadStarted{"patches", "dir", {}, "manual", ""}}}).ok());
  target_->fail_writes("Patches/c.msu", CopyFailure::kIOError, 1);
  start_runner();
  ASSERT_TRUE(
      log_.append({{"job-1", SyncQueued{"berlin", "patches", "cli", "", false, false}}}).ok());

  ASSERT_TRUE(wait_for("job-1", "SyncDeferred"));
  ASSERT_TRUE(log_.append({{"dl-1", DownloadCompleted{1, 1, 0, 7}}}).ok());

  auto failed = wait_for("job-1", "FileCopyFailed");
  ASSERT_TRUE(failed);
  const auto* f = failed->as<FileCopyFailed>();
  EXPECT_EQ(f->path, "Patches/c.msu");
  EXPECT_EQ(f->attempt, 1u);
  EXPECT_EQ(f->max_attempts, 3u);
  EXPECT_EQ(f->next_retry_us, kT0 + 1'000'000);
  ASSERT_TRUE(wait_for("job-1", "FileCopied", 3)) << "a, b and d land in the first two batches";
  EXPECT_EQ(target_->batches_written(), 2u);
  EXPECT_FALSE(target_->files().count("Patches/c.msu"));

  clock_.advance(1'000'000);  // the retry falls due
  auto done = wait_for("job-1", "SyncCompleted");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->as<SyncCompleted>()->files_copied, 4u);
  EXPECT_EQ(done->as<SyncCompleted>()->bytes_copied, 4 * std::string("patch a.msu").size());
  EXPECT_EQ(target_->batches_written(), 3u);

  std::vector<Event> events = events_of("job-1");
  EXPECT_EQ(types(events), (std::vector<std::string>{"SyncQueued", "SyncDeferred", "SyncStarted",
                                                     "FileCopied", "FileCopied", "FileCopyFailed",
                                                     "FileCopied", "FileCopied", "SyncCompleted"}));
  auto files = target_->files();
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files.at("Patches/c.msu").data, "patch c.msu");
  ASSERT_EQ(copies_.policies().size(), 2u) << "the first submit and the retry";
  for (const ServerPolicy& p : copies_.policies()) {
    EXPECT_EQ(p.bandwidth_bps, 1u << 20);
    EXPECT_EQ(p.max_parallel, 4u);
    EXPECT_FALSE(p.verify);
  }
}

TEST_F(SyncJobTest, AFinalEventWhoseCommitFailsLeavesTheJobUnfinishedAndTheNextStartEndsIt) {
  log_.fail_commits([](const Event& e) { return e.type() == "SyncCompleted"; },
                    Status::io_error("injected: no space left on the log's disk"));
  start_runner();
  ASSERT_TRUE(
      log_.append({{"job-1", SyncQueued{"berlin", "patches", "cli", "", false, false}}}).ok());

  auto done = wait_for("job-1", "SyncCompleted");
  ASSERT_TRUE(done);
  std::vector<Event> events = events_of("job-1");
  std::vector<std::uint32_t> attempts;
  std::size_t copied = 0, completed = 0;
  for (const auto& e : events) {
    if (const auto* s = e.as<SyncStarted>()) attempts.push_back(s->attempt);
    copied += e.as<FileCopied>() != nullptr;
    completed += e.as<SyncCompleted>() != nullptr;
  }
  EXPECT_EQ(attempts, (std::vector<std::uint32_t>{1, 2})) << "resumed after the failed commit";
  EXPECT_EQ(copied, 4u) << "no file recorded twice";
  EXPECT_EQ(completed, 1u);
  EXPECT_EQ(done->as<SyncCompleted>()->files_up_to_date, 4u);
  EXPECT_EQ(target_->batches_written(), 2u) << "the resumed attempt copies nothing";
}

// A re-sync with nothing to copy commits SyncStarted and SyncCompleted as one Command: when
// that commit fails, neither is in the log, and the resumed job starts once more with
// attempt 1 (appended apart, SyncStarted would have committed and the resumption been 2).
TEST_F(SyncJobTest, ANoOpReSyncAppendsSyncStartedAndSyncCompletedInOneCommit) {
  start_runner();
  ASSERT_TRUE(
      log_.append({{"job-1", SyncQueued{"berlin", "patches", "cli", "", false, false}}}).ok());
  ASSERT_TRUE(wait_for("job-1", "SyncCompleted"));
  ASSERT_EQ(target_->batches_written(), 2u);

  log_.fail_commits([](const Event& e) { return e.type() == "SyncCompleted"; },
                    Status::io_error("injected: no space left on the log's disk"));
  ASSERT_TRUE(
      log_.append({{"job-2", SyncQueued{"berlin", "patches", "cli", "", false, false}}}).ok());
  auto done = wait_for("job-2", "SyncCompleted");
  ASSERT_TRUE(done);
  std::vector<Event> events = events_of("job-2");
  ASSERT_EQ(types(events),
            (std::vector<std::string>{"SyncQueued", "SyncStarted", "SyncCompleted"}));
  EXPECT_EQ(events[1].as<SyncStarted>()->attempt, 1u) << "the failed commit held SyncStarted too";
  EXPECT_EQ(events[1].as<SyncStarted>()->files_total, 0u);
  EXPECT_EQ(events[1].as<SyncStarted>()->files_up_to_date, 4u);
  EXPECT_EQ(events[2].seq, events[1].seq + 1);
  const auto* completed = done->as<SyncCompleted>();
  EXPECT_EQ(*completed, (SyncCompleted{0, 0, 4, 0, 0}));
  EXPECT_EQ(target_->batches_written(), 2u) << "nothing copied";
}

TEST_F(SyncJobTest, APreflightFailureNamesTheTargetAndCopiesNothing) {
  PreflightReport denied;
  denied.failure = PreflightFailure::kNotWritable;
  denied.status =
      Status::io_error("target mem:/berlin/Patches is not writable; grant write access");
  target_->fail_preflight(denied);
  start_runner();
  ASSERT_TRUE(
      log_.append({{"job-1", SyncQueued{"berlin", "patches", "cli", "", false, false}}}).ok());
  auto failed = wait_for("job-1", "SyncFailed");
  ASSERT_TRUE(failed);
  EXPECT_NE(failed->as<SyncFailed>()->reason.find("mem:/berlin/Patches"), std::string::npos);
  EXPECT_EQ(target_->batches_written(), 0u);
}

// A running job whose queued batches a closed window holds records SyncPaused once (however
// often the executor finds it closed), with the window and its opening, and SyncResumed once
// when they are handed out again, before the FileCopied of those batches; it then completes.
TEST_F(SyncJobTest, AClosedWindowThatHoldsARunningJobsBatchesPausesItOnceAndResumesItOnce) {
  ServerSpec s = projections_.with_state([](const ProjectedState& st) { return st.servers.find("berlin")->spec; });
  s.bandwidth_plan = "closed tue 22:30-23:00; * 2M";  // kT0 is tue 22:13:20 UTC
  s.plan_zone = "UTC";
  ASSERT_TRUE(log_.append({{"", ServerEdited{"berlin", s}}}).ok());
  start_runner(&holding_);
  ASSERT_TRUE(
      log_.append({{"job-1", SyncQueued{"berlin", "patches", "cli", "", false, false}}}).ok());
  ASSERT_TRUE(wait_for("job-1", "FileCopied", 2));  // the first batch, before the window

  clock_.advance(1'000'000'000);  // 22:30:00: closed
  EXPECT_FALSE(holding_.pump());
  auto paused = wait_for("job-1", "SyncPaused");
  ASSERT_TRUE(paused);
  EXPECT_EQ(paused->as<SyncPaused>()->job, "job-1");
  EXPECT_EQ(paused->as<SyncPaused>()->server, "berlin");
  EXPECT_EQ(paused->as<SyncPaused>()->until_us, kT0 + 2'800'000'000);
  EXPECT_NE(paused->as<SyncPaused>()->reason.find(
                "closed window 'closed tue 22:30-23:00' until 2023-11-14T23:00:00"),
            std::string::npos)
      << paused->as<SyncPaused>()->reason;
  const JobRecord held = projections_.with_state([](const ProjectedState& st) { return *st.jobs.find("job-1"); });
  EXPECT_TRUE(held.paused);
  EXPECT_EQ(held.paused_until_us, kT0 + 2'800'000'000);
  // Found closed again and again: still one SyncPaused (the job reads the flag every poll).
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(holding_.pump());
    log_.wait_for_append(log_.last_seq(), std::chrono::milliseconds(50));
  }
  clock_.advance(1'800'000'000);  // 23:00:00: open
  EXPECT_TRUE(holding_.pump());
  ASSERT_TRUE(wait_for("job-1", "SyncCompleted"));

  std::vector<std::string> seen = types(events_of("job-1"));
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "SyncPaused"), 1) << ::testing::PrintToString(seen);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), "SyncResumed"), 1) << ::testing::PrintToString(seen);
  EXPECT_EQ(seen, (std::vector<std::string>{"SyncQueued", "SyncStarted", "FileCopied", "FileCopied",
                                            "SyncPaused", "SyncResumed", "FileCopied", "FileCopied",
                                            "SyncCompleted"}));
  auto resumed = wait_for("job-1", "SyncResumed");
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->as<SyncResumed>()->paused_us, 1'800'000'000);
  EXPECT_EQ(target_->batches_written(), 2u);  // the batch before the window, the one after
  const JobRecord done = projections_.with_state([](const ProjectedState& st) {
    JobRecord r;
    return st.jobs.find("job-1") ? *st.jobs.find("job-1") : r;
  });
  EXPECT_FALSE(done.paused);
}

}  // namespace
}  // namespace distsync::testing

namespace distsync::testing {
namespace {

// kT0 is Tuesday 2023-11-14 22:13:20 UTC: inside the plan's closed window until 23:00.
TEST_F(SyncJobTest, AClosedWindowDefersTheJobUntilTheInjectedClockOpensItAndThePlanSetsTheRate) {
  ServerSpec s = projections_.with_state([](const ProjectedState& st) { return st.servers.find("berlin")->spec; });
  s.bandwidth_plan = "closed tue 22:00-23:00; * 2M";
  s.plan_zone = "UTC";
  ASSERT_TRUE(log_.append({{"", ServerEdited{"berlin", s}}}).ok());
  start_runner();
  ASSERT_TRUE(
      log_.append({{"job-1", SyncQueued{"berlin", "patches", "cli", "", false, false}}}).ok());

  auto deferred = wait_for("job-1", "SyncDeferred");
  ASSERT_TRUE(deferred);
  EXPECT_EQ(deferred->as<SyncDeferred>()->download_id, "closed-window");
  EXPECT_NE(deferred->as<SyncDeferred>()->reason.find("until 2023-11-14T23:00:00"), std::string::npos)
      << deferred->as<SyncDeferred>()->reason;
  EXPECT_EQ(target_->batches_written(), 0u);

  clock_.advance(2'800'000'000);  // 23:00:00, the window opens
  ASSERT_TRUE(wait_for("job-1", "SyncCompleted"));
  std::size_t deferrals = 0;
  for (const auto& e : events_of("job-1")) deferrals += e.as<SyncDeferred>() != nullptr;
  EXPECT_EQ(deferrals, 1u);
  ASSERT_FALSE(copies_.policies().empty());
  const ServerPolicy p = copies_.policies().front();
  ASSERT_TRUE(p.rate_now);
  EXPECT_FALSE(p.rate_now().closed);
  EXPECT_EQ(p.rate_now().bps, 2u << 20);  // the plan's default, not the server's 1M limit
  clock_.advance(7 * 86'400'000'000LL - 1'800'000'000);  // next Tuesday 22:30
  EXPECT_TRUE(p.rate_now().closed);
}

}  // namespace
}  // namespace distsync::testing
