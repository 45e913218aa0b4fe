// Live progress over the real daemon: during one large file copied to a bandwidth-limited
// server, `distsync sync job` shows bytes written that move before the file's FileCopied is
// in the log (the workers' PROGRESS messages), beside the durable count, which stays at 0
// until the batch is durable. The assertions are on the values seen, not on timing: the
// 2 MiB/s limit only makes the copy last long enough to be watched. The same holds for a
// distsync-worker process, whose PROGRESS travels over the copy protocol.
#include <fstream>
#include <random>
#include <set>

#include "tests/sync_daemon/worker_process_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class LiveProgressTest : public SyncDaemonFixture {};

TEST_F(LiveProgressTest, WrittenBytesMoveDuringOneLargeFile) {
  const std::string share = dir_.sub("alpha");
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", share}).exit_code, 0);
  ASSERT_EQ(cli({"sync", "alpha", "--wait"}).exit_code, 0);

  // One new 6 MiB patch; at 2 MiB/s it takes about three seconds to write.
  const std::uint64_t size = 6u << 20;
  {
    std::mt19937_64 rng(15);
    std::string bytes(size, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    std::ofstream(console_ + "/Patches/large-rollup.msu", std::ios::binary) << bytes;
  }
  ASSERT_EQ(cli({"server", "edit", "alpha", "--bandwidth", "2M"}).exit_code, 0);
  const std::string job = start_sync("alpha", {"--component", "patches"});
  ASSERT_FALSE(job.empty());

  std::set<std::uint64_t> written_before_durable;
  std::string text_line;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  bool copied = false;
  while (!copied && std::chrono::steady_clock::now() < deadline) {
    auto r = cli({"sync", "job", job, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json p = json::parse(r.out);
    const std::uint64_t done = p.value("bytes_done", std::uint64_t{0});
    const std::uint64_t written = p.value("bytes_written", std::uint64_t{0});
    EXPECT_GE(written, done) << r.out;
    EXPECT_LE(written, p.value("bytes_total", std::uint64_t{0})) << r.out;
    if (p.value("status", "") == "running" && done == 0 && written > 0) {
      EXPECT_LT(written, size) << "a file is never durable before all of it is written";
      written_before_durable.insert(written);
      if (text_line.empty()) {
        auto t = cli({"sync", "job", job});
        if (t.out.find("written ") != std::string::npos) text_line = t.out;
      }
    }
    copied = !job_events(job, "FileCopied").empty();
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(copied) << "the large file was not copied in time";
  EXPECT_GE(written_before_durable.size(), 2u)
      << "written bytes did not move before the file was durable";
  EXPECT_NE(text_line.find(", durable 0 B/6.0 MiB"), std::string::npos) << text_line;

  json end = wait_job(job);
  EXPECT_EQ(end.value("status", ""), "completed");
  EXPECT_EQ(end.value("bytes_done", std::uint64_t{0}), size);
  EXPECT_EQ(end.value("bytes_written", std::uint64_t{0}), size);
  EXPECT_EQ(read_tree(share + "/Patches")["large-rollup.msu"].bytes.size(), size);
}

// The same over the copy protocol: a distsync-worker process beside the daemon's one worker
// thread. Two large files and two ready workers: the dispatcher splits the short queue, one
// file each, so both copy at once at half the server's limit. Bytes not yet durable then
// exceed what one worker can have in flight (one file), which only the worker process's
// PROGRESS messages can explain; its own write counter shows it copied a file.
class WorkerProgressTest : public WorkerProcessFixture {};

TEST_F(WorkerProgressTest, WrittenBytesOfAWorkerProcessMoveAheadOfDurable) {
  auto worker = start_worker("w0");
  // Warm-up syncs until the worker process has copied file data: then it is connected and
  // takes batches.
  const std::uint64_t idle = written_bytes(worker->pid());
  for (int i = 0; i < 10 && written_bytes(worker->pid()) <= idle + 16 * 1024; ++i) {
    const std::string name = "warm" + std::to_string(i);
    ASSERT_EQ(cli({"server", "add", name, "--path", dir_.sub(name)}).exit_code, 0);
    const std::string job = start_sync(name, {"--component", "patches"});
    ASSERT_FALSE(job.empty());
    ASSERT_EQ(wait_job(job).value("status", ""), "completed") << job_reason(job);
  }
  ASSERT_GT(written_bytes(worker->pid()), idle + 16 * 1024) << "the worker process took no batch";

  const std::string share = dir_.sub("alpha");
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", share}).exit_code, 0);
  ASSERT_EQ(cli({"sync", "alpha", "--wait"}).exit_code, 0);
  // Two new 3 MiB patches; at 2 MiB/s shared by two batches each takes about three seconds.
  const std::uint64_t size = 3u << 20;
  for (int f = 0; f < 2; ++f) {
    std::mt19937_64 rng(15 + f);
    std::string bytes(size, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    std::ofstream(console_ + "/Patches/large-" + std::to_string(f) + ".msu", std::ios::binary)
        << bytes;
  }
  ASSERT_EQ(cli({"server", "edit", "alpha", "--bandwidth", "2M"}).exit_code, 0);
  const std::uint64_t worker_before = written_bytes(worker->pid());
  const std::string job = start_sync("alpha", {"--component", "patches"});
  ASSERT_FALSE(job.empty());

  std::set<std::uint64_t> ahead;  // bytes_written - bytes_done, while running
  std::uint64_t most_ahead = 0;
  std::string seen;  // status written/durable of each look, for a failure message
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  for (bool done = false; !done && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(100ms)) {
    auto r = call("sync.job", {{"job", job}});
    const std::uint64_t durable = r.value("bytes_done", std::uint64_t{0});
    const std::uint64_t written = r.value("bytes_written", std::uint64_t{0});
    EXPECT_GE(written, durable) << r.dump();
    EXPECT_LE(written, r.value("bytes_total", std::uint64_t{0})) << r.dump();
    if (seen.size() < 4000) {
      seen += r.value("status", "") + " " + std::to_string(written) + "/" +
              std::to_string(durable) + "; ";
    }
    if (r.value("status", "") == "running" && written > durable) {
      ahead.insert(written - durable);
      most_ahead = std::max(most_ahead, written - durable);
    }
    const std::string status = r.value("status", "");
    done = job_events(job, "FileCopied").size() >= 2 || status == "completed" ||
           status == "failed" || status == "cancelled";
  }
  EXPECT_GE(ahead.size(), 2u) << "written bytes did not move ahead of durable bytes: " << seen;
  EXPECT_GT(most_ahead, size) << "never more than one file's bytes in flight: the worker "
                                 "process's PROGRESS did not reach sync.job: " << seen;
  json end = wait_job(job);
  EXPECT_EQ(end.value("status", ""), "completed") << job_reason(job);
  EXPECT_EQ(end.value("bytes_done", std::uint64_t{0}), 2 * size);
  EXPECT_EQ(end.value("bytes_written", std::uint64_t{0}), 2 * size);
  EXPECT_GE(written_bytes(worker->pid()), worker_before + size) << "the worker process copied no file";
  EXPECT_EQ(read_tree(share + "/Patches")["large-1.msu"].bytes.size(), size);
}

}  // namespace
}  // namespace distsync::testing
