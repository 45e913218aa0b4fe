// One bandwidth limit per server across external distsync-worker processes (issue 12 item
// 4). Three real workers beside the daemon's one in-process worker copy to a server limited
// to 4 MiB/s with --max-parallel 3; the sync of 12 MiB must take at least the bytes over the
// limit, minus what the token buckets let through ahead of time. Only a lower bound is
// asserted: a slow machine makes the sync slower, never faster.
//
// Checked against the old hand-out (TASK with the server's whole rate and no rate_share, so
// each worker process had its own full-rate bucket keyed on the server): the same sync took
// 1.03 s there, three buckets of 4 MiB/s at once, and this test failed its lower bound
// (2.16 s); with the limit divided it took 3.04 s.
#include "tests/sync_daemon/worker_process_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

constexpr std::uint64_t kRate = 4ull << 20;      // --bandwidth 4194304
constexpr std::uint64_t kFileBytes = 2ull << 20;  // six files of 2 MiB
constexpr int kFiles = 6;

class WorkerBandwidthTest : public WorkerProcessFixture {};

TEST_F(WorkerBandwidthTest, ThreeWorkerProcessesShareOneServersLimit) {
  std::vector<std::unique_ptr<ChildProcess>> workers;
  for (int i = 0; i < 3; ++i) workers.push_back(start_worker("w" + std::to_string(i)));

  // Warm-up syncs of the generated tree, unlimited, until every worker process has copied
  // file data: then all three are connected and take batches.
  auto all_copied = [&](const std::vector<std::uint64_t>& before) {
    for (std::size_t i = 0; i < workers.size(); ++i) {
      if (written_bytes(workers[i]->pid()) <= before[i] + 16 * 1024) return false;
    }
    return true;
  };
  std::vector<std::uint64_t> idle;
  for (auto& w : workers) idle.push_back(written_bytes(w->pid()));
  for (int i = 0; i < 10 && !all_copied(idle); ++i) {
    const std::string name = "warm" + std::to_string(i);
    ASSERT_EQ(cli({"server", "add", name, "--path", dir_.sub(name)}).exit_code, 0);
    std::string job = start_sync(name, {"--component", "patches"});
    ASSERT_FALSE(job.empty());
    ASSERT_EQ(wait_job(job).value("status", ""), "completed") << job_reason(job);
  }
  ASSERT_TRUE(all_copied(idle)) << "not every worker process took part in the warm-up syncs";

  // The limited sync's content: six 2 MiB files and nothing else, so batches are few.
  fs::remove_all(console_ + "/Patches");
  fs::create_directories(console_ + "/Patches/big");
  std::uint64_t total = 0;
  for (int i = 0; i < kFiles; ++i) {
    std::ofstream out(console_ + "/Patches/big/f" + std::to_string(i) + ".msu", std::ios::binary);
    std::string chunk(64 * 1024, static_cast<char>('a' + i));
    for (std::uint64_t n = 0; n < kFileBytes; n += chunk.size()) {
      chunk[n % 997] = static_cast<char>(n);  // not all one byte
      out << chunk;
    }
    total += kFileBytes;
  }
  ASSERT_EQ(cli({"server", "add", "limited", "--path", dir_.sub("limited"), "--bandwidth",
                 std::to_string(kRate), "--max-parallel", "3"})
                .exit_code,
            0);
  std::vector<std::uint64_t> before;
  for (auto& w : workers) before.push_back(written_bytes(w->pid()));
  const auto start = std::chrono::steady_clock::now();
  std::string job = start_sync("limited", {"--component", "patches"});
  ASSERT_FALSE(job.empty());
  json p = wait_job(job, 120s);
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_EQ(p.value("status", ""), "completed") << job_reason(job);
  std::map<std::string, FileFacts> patches;
  for (auto& [path, f] : read_tree(console_ + "/Patches")) patches["Patches/" + path] = f;
  EXPECT_EQ(read_tree(dir_.sub("limited")), patches);

  // Ahead of the limit: every batch's bucket starts full (64 KiB), and a chunk reserved just
  // before a share shrank (at most rate / 8) is paid at the older share. At most one batch
  // per file, so at most kFiles of each.
  const double slack = static_cast<double>(kFiles) * (64 * 1024 + kRate / 8.0);
  const double lower = (static_cast<double>(total) - slack) / static_cast<double>(kRate);
  std::size_t took_part = 0;
  for (std::size_t i = 0; i < workers.size(); ++i) {
    if (written_bytes(workers[i]->pid()) > before[i] + kFileBytes / 2) ++took_part;
  }
  std::cout << "12 MiB at a 4 MiB/s limit: " << elapsed << " s (lower bound " << lower
            << " s), worker processes that copied: " << took_part << "\n";
  EXPECT_GE(elapsed, lower) << "the server got more than its limit";
  EXPECT_GE(took_part, 2u) << "the limit was not shared by several worker processes";
}

}  // namespace
}  // namespace distsync::testing
