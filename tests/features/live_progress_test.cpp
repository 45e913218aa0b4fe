// Live progress over the real daemon: during one large file copied to a bandwidth-limited
// server, `distsync sync job` shows bytes written that move before the file's FileCopied is
// in the log (the workers' PROGRESS messages), beside the durable count, which stays at 0
// until the batch is durable. The assertions are on the values seen, not on timing: the
// 2 MiB/s limit only makes the copy last long enough to be watched.
#include <fstream>
#include <random>
#include <set>

#include "tests/sync_daemon/sync_daemon_fixture.h"

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

}  // namespace
}  // namespace distsync::testing
