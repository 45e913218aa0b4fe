// An external distsync-worker process on the daemon's copy endpoint (copy_endpoint set; the
// config refuses copy_workers = 0, so one in-daemon worker runs beside it). The daemon reports
// no per-worker copy counts, so the test reads the worker's own write counter
// (/proc/PID/io wchar, with --no-copy-file-range so copies go through write()) to see that it
// copied file data. A worker SIGKILLed mid-task: the job still completes.
#include "tests/sync_daemon/worker_process_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class SyncWorkerTest : public WorkerProcessFixture {};

TEST_F(SyncWorkerTest, ExternalWorkerCopiesAndAKilledWorkerDoesNotStopTheJob) {
  auto worker = start_worker("w1");
  const std::uint64_t idle = written_bytes(worker->pid());

  // The first syncs: the external worker takes part in the copying. The worker says READY
  // once it has connected, which may be after the first batches went to the in-process
  // worker; so up to five servers are synced until it has copied file data.
  std::string job;
  std::uint64_t after_first = idle;
  for (int i = 0; i < 5 && after_first - idle <= 64u * 1024; ++i) {
    const std::string name = "alpha" + std::to_string(i);
    ASSERT_EQ(cli({"server", "add", name, "--path", dir_.sub(name)}).exit_code, 0);
    job = start_sync(name);
    ASSERT_FALSE(job.empty());
    EXPECT_EQ(wait_job(job).value("status", ""), "completed") << job_reason(job);
    EXPECT_EQ(read_tree(dir_.sub(name)), expected_server_tree());
    after_first = written_bytes(worker->pid());
  }
  std::cout << "external worker wrote " << after_first - idle << " bytes during the first sync\n";
  EXPECT_GT(after_first - idle, 64u * 1024)
      << "the external worker copied no file data; stderr: " << worker->stderr_text();

  // The second sync is slow (bandwidth limit); kill the worker once it is copying.
  ASSERT_EQ(
      cli({"server", "add", "beta", "--path", dir_.sub("beta"), "--bandwidth", "4M"}).exit_code, 0);
  job = start_sync("beta", {"--component", "patches"});
  ASSERT_FALSE(job.empty());
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (written_bytes(worker->pid()) < after_first + 64 * 1024 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_GE(written_bytes(worker->pid()), after_first + 64 * 1024)
      << "the external worker never started copying for beta";
  worker->signal(SIGKILL);
  ASSERT_TRUE(worker->wait_exit(10s).has_value());

  json p = wait_job(job, 180s);
  EXPECT_EQ(p.value("status", ""), "completed") << job_reason(job);
  std::map<std::string, FileFacts> patches;
  for (auto& [path, f] : read_tree(console_ + "/Patches")) patches["Patches/" + path] = f;
  EXPECT_EQ(read_tree(dir_.sub("beta")), patches);
  EXPECT_TRUE(leftover_temps(dir_.sub("beta")).empty());
  std::set<std::string> seen;
  for (const auto& e : job_events(job, "FileCopied")) {
    EXPECT_TRUE(seen.insert(e["payload"].value("path", "")).second);
  }
}

}  // namespace
}  // namespace distsync::testing
