// SIGKILL of distsyncd in the middle of a sync, at several points (while the first batch is
// being written, after a batch was recorded, and while a resumed job is still planning),
// restarting it each time: the job completes by itself, no temp or partial file remains and no
// path is recorded twice as FileCopied within the job. The server's bandwidth limit keeps each
// copy slow enough for the kills to land mid-sync.
#include <functional>

#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class SyncCrashTest : public SyncDaemonFixture {
 protected:
  // Polls until `ready()` holds; false if the job ended first or the deadline passed.
  template <typename Ready>
  bool wait_until(const std::string& job, Ready ready, std::chrono::seconds timeout = 60s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (ready()) return true;
      if (!job_events(job, "SyncCompleted").empty() || !job_events(job, "SyncFailed").empty()) {
        return false;
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
};

TEST_F(SyncCrashTest, KilledMidSyncResumesAndCompletesWithoutDuplicates) {
  const std::string share = dir_.sub("alpha");
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", share, "--bandwidth", "2M"}).exit_code, 0);
  std::string job = start_sync("alpha");
  ASSERT_FALSE(job.empty());

  auto started = [&] { return job_events(job, "SyncStarted").size(); };
  auto copied_so_far = [&] { return job_events(job, "FileCopied").size(); };
  // 1: the first attempt is writing temps; 2: the resumed attempt recorded a batch;
  // 3: the third attempt has just started (still planning).
  std::size_t kills = 0;
  std::size_t copied_at_last_kill = 0;
  const std::vector<std::function<bool()>> kill_points = {
      [&] { return started() >= 1 && !leftover_temps(share).empty(); },
      [&] { return started() >= 2 && copied_so_far() > copied_at_last_kill; },
      [&] { return started() >= 3; },
  };
  for (const auto& point : kill_points) {
    if (!wait_until(job, point)) break;  // the job finished first: nothing left to interrupt
    copied_at_last_kill = copied_so_far();  // the client goes with the daemon
    kill_daemon();
    ++kills;
    std::cout << "kill " << kills << ": " << copied_at_last_kill << " FileCopied, "
              << leftover_temps(share).size() << " temps on the share\n";
    start_daemon();
  }
  ASSERT_GE(kills, 2u) << "the sync finished too fast to be interrupted; slow the bandwidth limit";

  json p = wait_job(job, 120s);
  EXPECT_EQ(p.value("status", ""), "completed") << job_reason(job);
  EXPECT_EQ(read_tree(share), expected_server_tree());
  EXPECT_TRUE(leftover_temps(share).empty());

  std::set<std::string> seen;
  std::size_t copied = 0;
  for (const auto& e : job_events(job, "FileCopied")) {
    ++copied;
    std::string path = e["payload"].value("path", "");
    EXPECT_TRUE(seen.insert(path).second) << path << " recorded twice as FileCopied";
  }
  // A copy renamed into place just before a kill may miss its FileCopied; the resumed run then
  // counts it as up to date instead of copying it again.
  EXPECT_LE(copied, expected_server_tree().size());
  std::cout << copied << " FileCopied for " << expected_server_tree().size() << " files\n";
  // The job was resumed after each kill.
  EXPECT_GE(job_events(job, "SyncStarted").size(), kills + 1);
}

}  // namespace
}  // namespace distsync::testing
