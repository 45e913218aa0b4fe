#include "daemon/sync/job_runner.h"

#include <unistd.h>

#include <set>

#include "tests/support/test_user.h"
#include "tests/sync/sync_fixture.h"

namespace distsync::testing {
namespace {

class JobRunnerTest : public SyncFixture {};

TEST_F(JobRunnerTest, SyncsTheBenchTreeByteForByteThenCopiesOnlyWhatChanged) {
  make_bench_tree();
  std::string server = dir_.sub("server");
  add_server("s1", server);
  auto service = start_service(options(), system_clock_);
  queue("job-1", "s1", "all");
  auto done = wait_for("job-1", "SyncCompleted");
  ASSERT_TRUE(done) << "job-1 did not complete";
  EXPECT_EQ(read_tree(server + "/Patches"), read_tree(console_ + "/Patches"));
  EXPECT_EQ(read_tree(server + "/DataFiles"), read_tree(console_ + "/DataFiles"));
  std::size_t files = read_tree(console_).size();
  EXPECT_EQ(count(events_of("job-1"), "FileCopied"), files);
  EXPECT_EQ(done->as<SyncCompleted>()->files_copied, files);
  EXPECT_EQ(count_temps(server), 0u);

  queue("job-2", "s1", "all");
  auto again = wait_for("job-2", "SyncCompleted");
  ASSERT_TRUE(again);
  EXPECT_EQ(count(events_of("job-2"), "FileCopied"), 0u);
  EXPECT_EQ(again->as<SyncCompleted>()->files_up_to_date, files);

  std::string changed = read_tree(console_ + "/Patches").begin()->first;
  write_file(console_ + "/Patches/" + changed, "a new build of this patch");
  queue("job-3", "s1", "patches");
  ASSERT_TRUE(wait_for("job-3", "SyncCompleted"));
  auto job3 = events_of("job-3");
  ASSERT_EQ(count(job3, "FileCopied"), 1u);
  for (const auto& e : job3) {
    if (const auto* c = e.as<FileCopied>()) {
      EXPECT_EQ(c->path, "Patches/" + changed);
    }
  }
  EXPECT_EQ(read_tree(server + "/Patches"), read_tree(console_ + "/Patches"));
}

TEST_F(JobRunnerTest, UnreachableTargetFailsWithTheReasonAndCopiesNothing) {
  write_file(console_ + "/Patches/a.msu", "patch");
  write_file(dir_.sub("plain-file"), "not a folder");
  add_server("s1", dir_.sub("plain-file") + "/share");
  auto service = start_service(options(), system_clock_);
  queue("job-1", "s1", "patches");
  auto failed = wait_for("job-1", "SyncFailed");
  ASSERT_TRUE(failed);
  EXPECT_NE(failed->as<SyncFailed>()->reason.find("plain-file"), std::string::npos)
      << failed->as<SyncFailed>()->reason;
  auto events = events_of("job-1");
  EXPECT_EQ(count(events, "SyncStarted"), 0u);
  EXPECT_EQ(count(events, "FileCopied"), 0u);
}

// As root (CI) the log and the service run as the test user in a child, since root writes
// through permission bits; the parent then reads what the child appended.
TEST_F(JobRunnerTest, UnwritableTargetFailsWithTheReasonAndCopiesNothing) {
  write_file(console_ + "/Patches/a.msu", "patch");
  std::string server = dir_.sub("server");
  fs::create_directories(server + "/Patches");
  add_server("s1", server);
  queue("job-1", "s1", "patches");
  log_.reset();  // the child opens the log itself: a fork does not copy the writer thread
  give_to_test_user(dir_.path());
  fs::permissions(server + "/Patches", fs::perms(0555));
  auto ran = run_as_test_user([&] {
    open_log();
    auto service = start_service(options(), system_clock_);
    auto failed = wait_for("job-1", "SyncFailed");
    service.reset();
    log_.reset();
    return std::string(failed ? "failed" : "did not fail");
  });
  fs::permissions(server + "/Patches", fs::perms(0755));
  ASSERT_EQ(ran, "failed");
  open_log();
  auto failed = wait_for("job-1", "SyncFailed");
  ASSERT_TRUE(failed);
  EXPECT_NE(failed->as<SyncFailed>()->reason.find("writ"), std::string::npos)
      << failed->as<SyncFailed>()->reason;
  EXPECT_EQ(count(events_of("job-1"), "FileCopied"), 0u);
  EXPECT_TRUE(read_tree(server).empty());
}

TEST_F(JobRunnerTest, DefersWhileADownloadRunsAndStartsWhenItCompletes) {
  write_file(console_ + "/Patches/a.msu", "patch a");
  add_server("s1", dir_.sub("server"));
  ASSERT_TRUE(log_->append({{"dl-1", DownloadStarted{"patches", "dir", {}, "manual", ""}}}).ok());
  auto service = start_service(options(), system_clock_);
  queue("job-1", "s1", "patches");
  auto deferred = wait_for("job-1", "SyncDeferred");
  ASSERT_TRUE(deferred);
  EXPECT_EQ(deferred->as<SyncDeferred>()->download_id, "dl-1");
  // While the download runs, the job stays deferred: no start, and no second SyncDeferred.
  log_->wait_for_append(log_->last_seq(), std::chrono::milliseconds(300));
  EXPECT_EQ(count(events_of("job-1"), "SyncStarted"), 0u);

  auto completed = log_->append({{"dl-1", DownloadCompleted{1, 1, 0, 7}}});
  ASSERT_TRUE(completed.ok());
  auto done = wait_for("job-1", "SyncCompleted");
  ASSERT_TRUE(done);
  auto started = wait_for("job-1", "SyncStarted");
  ASSERT_TRUE(started);
  EXPECT_LT(deferred->seq, completed->first_seq);
  EXPECT_LT(completed->first_seq, started->seq);
  EXPECT_EQ(count(events_of("job-1"), "SyncDeferred"), 1u);
}

TEST_F(JobRunnerTest, AFailedDownloadAlsoReleasesTheJob) {
  write_file(console_ + "/Patches/a.msu", "patch a");
  add_server("s1", dir_.sub("server"));
  ASSERT_TRUE(log_->append({{"dl-1", DownloadStarted{"refresh", "dir", {}, "manual", ""}}}).ok());
  auto service = start_service(options(), system_clock_);
  queue("job-1", "s1", "patches");
  ASSERT_TRUE(wait_for("job-1", "SyncDeferred"));
  ASSERT_TRUE(log_->append({{"dl-1", DownloadFailed{"unreachable", 0, 0, false}}}).ok());
  ASSERT_TRUE(wait_for("job-1", "SyncCompleted"));
}

TEST_F(JobRunnerTest, VanishedSourceIsRetriedWithBackoffOnTheInjectedClock) {
  // a.bin is copied first, slowly (one copy at a time, 256 KiB/s); z.bin vanishes meanwhile.
  write_file(console_ + "/Patches/a.bin", std::string(384 * 1024, 'a'));
  write_file(console_ + "/Patches/z.bin", "short-lived");
  add_server("s1", dir_.sub("server"), 256 * 1024, 1);
  const std::int64_t t0 = 1'700'000'000'000'000;
  ManualClock clock(t0);
  SyncServiceOptions o = options();
  o.runner.retry.max_attempts = 3;
  o.dispatcher.inproc_workers = 1;
  auto service = start_service(o, clock);
  queue("job-1", "s1", "patches");
  ASSERT_TRUE(wait_for("job-1", "SyncStarted"));
  fs::remove(console_ + "/Patches/z.bin");

  auto f1 = wait_for("job-1", "FileCopyFailed");
  ASSERT_TRUE(f1);
  const auto* a1 = f1->as<FileCopyFailed>();
  EXPECT_EQ(a1->path, "Patches/z.bin");
  EXPECT_EQ(a1->cause, "source_vanished");
  EXPECT_EQ(a1->attempt, 1u);
  EXPECT_EQ(a1->max_attempts, 3u);
  EXPECT_EQ(a1->next_retry_us, t0 + 1'000'000);
  auto progress = service->progress("job-1");
  ASSERT_TRUE(progress.ok());
  ASSERT_EQ(progress->retries.size(), 1u);
  EXPECT_EQ(progress->retries[0].attempt, 1u);

  clock.advance(1'000'000);
  auto f2 = wait_for("job-1", "FileCopyFailed", std::chrono::seconds(60), 2);
  ASSERT_TRUE(f2);
  EXPECT_EQ(f2->as<FileCopyFailed>()->attempt, 2u);
  EXPECT_EQ(f2->as<FileCopyFailed>()->next_retry_us, t0 + 1'000'000 + 2'000'000);

  clock.advance(2'000'000);
  auto f3 = wait_for("job-1", "FileCopyFailed", std::chrono::seconds(60), 3);
  ASSERT_TRUE(f3);
  EXPECT_EQ(f3->as<FileCopyFailed>()->attempt, 3u);
  EXPECT_EQ(f3->as<FileCopyFailed>()->next_retry_us, 0);
  auto failed = wait_for("job-1", "SyncFailed");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->as<SyncFailed>()->files_failed, 1u);
  EXPECT_EQ(failed->as<SyncFailed>()->files_copied, 1u);
  EXPECT_NE(failed->as<SyncFailed>()->reason.find("Patches/z.bin"), std::string::npos);
}

TEST_F(JobRunnerTest, ResumesAfterAStopWithoutCopyingTwiceAndCleansStaleTemps) {
  make_bench_tree();
  std::string server = dir_.sub("server");
  add_server("s1", server, 2 << 20, 2);
  // Small batches, so the stop lands with most of the job still to copy however fast the
  // copies run.
  SyncServiceOptions small_batches = options();
  small_batches.dispatcher.max_batch_files = 2;
  {
    auto service = start_service(small_batches, system_clock_);
    queue("job-1", "s1", "patches");
    ASSERT_TRUE(wait_for("job-1", "FileCopied", std::chrono::seconds(60), 3));
  }  // stopped mid-job, as a crash would
  ASSERT_EQ(count(events_of("job-1"), "SyncCompleted"), 0u);
  write_file(server + "/Patches/.distsync-0123456789abcdef.distsync-tmp", "half a file");

  auto service = start_service(options(), system_clock_);
  ASSERT_TRUE(wait_for("job-1", "SyncCompleted"));
  auto events = events_of("job-1");
  std::set<std::string> paths;
  const SyncStarted* resumed = nullptr;
  for (const auto& e : events) {
    if (const auto* c = e.as<FileCopied>()) {
      EXPECT_TRUE(paths.insert(c->path).second) << c->path << " recorded twice";
    }
    if (const auto* s = e.as<SyncStarted>()) resumed = s;
  }
  ASSERT_NE(resumed, nullptr);
  EXPECT_EQ(resumed->attempt, 2u);
  // Whatever the first run copied counts as up to date in the second: nothing is copied twice.
  EXPECT_EQ(resumed->files_total + resumed->files_up_to_date,
            read_tree(console_ + "/Patches").size());
  EXPECT_GE(paths.size(), 3u);
  EXPECT_EQ(count_temps(server), 0u);
  EXPECT_EQ(read_tree(server + "/Patches"), read_tree(console_ + "/Patches"));
}

TEST_F(JobRunnerTest, CancelStopsTheJobAndLeavesNoTemp) {
  make_bench_tree();
  std::string server = dir_.sub("server");
  add_server("s1", server, 1 << 20, 1);
  auto service = start_service(options(), system_clock_);
  queue("job-1", "s1", "patches");
  ASSERT_TRUE(wait_for("job-1", "FileCopied"));
  ASSERT_TRUE(service->cancel("job-1", "operator changed their mind").is_ok());
  auto cancelled = wait_for("job-1", "SyncCancelled");
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->as<SyncCancelled>()->reason, "operator changed their mind");
  EXPECT_EQ(count_temps(server), 0u);
  EXPECT_LT(count(events_of("job-1"), "FileCopied"), read_tree(console_ + "/Patches").size());
  EXPECT_FALSE(service->cancel("job-1", "").is_ok());  // already finished
}

}  // namespace
}  // namespace distsync::testing
