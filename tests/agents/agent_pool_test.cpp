// A server on a pool of agents, as an operator runs it: a real distsyncd, two real
// distsync-agent processes over tcp on loopback that serve one folder (two agents on one
// host), `distsync server add --agent A --agent B`. Which agent carried data is read from
// each agent process's /proc/PID/io (tests/support/proc_io.h), the copy is checked with
// sha256sum outside the project's code. Waits poll with deadlines.
#include <set>

#include "tests/agents/agent_fixture.h"
#include "tests/support/proc_io.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

constexpr std::uint64_t kMiB = 1 << 20;

class AgentPoolTest : public AgentSurfaceTest {
 protected:
  // `count` patches of 5 MiB each, with different bytes, beside the fixture's small ones.
  void add_big_patches(int count) {
    for (int n = 0; n < count; ++n) {
      std::ofstream big(console_ + "/Patches/big-" + std::to_string(n) + ".bin", std::ios::binary);
      std::string block(kMiB, '\0');
      for (int mib = 0; mib < 5; ++mib) {
        for (std::size_t i = 0; i < block.size(); ++i) {
          block[i] = static_cast<char>((i * 31 + static_cast<std::size_t>(mib)) ^
                                       static_cast<std::size_t>(n * 17));
        }
        big.write(block.data(), static_cast<std::streamsize>(block.size()));
      }
    }
  }

  // pool-a and pool-b, allowed and connected, both serving dir_/shared; then the server
  // "pooled" on both, at root dir_/shared/dist, limited to 2M (2 MiB/s), 2 batches at once.
  void start_pool() {
    for (const std::string name : {"pool-a", "pool-b"}) {
      std::string key = keygen(dir_.sub(name + ".key"));
      auto allow = cli({"agent", "allow", name, "--", key});
      ASSERT_EQ(allow.exit_code, 0) << allow.err;
      agents_[name] = start_agent(name, dir_.sub(name + ".key"), dir_.sub("shared"));
      ASSERT_TRUE(wait_connected(name)) << agents_[name]->stderr_text();
    }
    auto add = cli({"server", "add", "pooled", "--agent", "pool-a", "--agent", "pool-b",
                    "--path", root(), "--bandwidth", "2M", "--max-parallel", "2"});
    ASSERT_EQ(add.exit_code, 0) << add.err;
  }

  std::string root() { return dir_.sub("shared") + "/dist"; }
  std::uint64_t written(const std::string& agent) { return written_bytes(agents_[agent]->pid()); }

  // Seconds from the job's SyncStarted to its SyncCompleted, in the log's times.
  double job_seconds(const std::string& job) {
    auto started = job_events(job, "SyncStarted");
    auto completed = await_job_events(job, "SyncCompleted");
    EXPECT_EQ(started.size(), 1u);
    EXPECT_EQ(completed.size(), 1u);
    if (started.size() != 1 || completed.size() != 1) return 0;
    return (completed[0].value("time_us", std::int64_t{0}) -
            started[0].value("time_us", std::int64_t{0})) /
           1e6;
  }

  std::map<std::string, std::unique_ptr<ChildProcess>> agents_;
};

// Issue 12: "a server limited to 2 MB/s shared by two agents moves 20 MB in no less than
// 9 s". The CLI's 2M is 2 MiB/s (binary multiples); 20 MiB of big patches plus the fixture's
// small ones at 2 MiB/s take 10 s or more, less one burst (a tenth of a second's worth) that
// may go ahead of the rate. Both agents carry a batch: each writes at least one 5 MiB file.
TEST_F(AgentPoolTest, AServerLimitedTo2MBsSharedByTwoAgentsMoves20MBInNoLessThan9s) {
  add_big_patches(4);
  start_pool();

  // The pool as the operator sees it: server show / list --json, and agent list.
  auto show = cli({"server", "show", "pooled", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  json shown = json::parse(show.out)["server"];
  EXPECT_EQ(shown["agents"], json::array({"pool-a", "pool-b"})) << show.out;
  EXPECT_EQ(shown.value("agent", ""), "pool-a");
  auto text = cli({"server", "show", "pooled"});
  EXPECT_NE(text.out.find("pool-a, pool-b"), std::string::npos) << text.out;
  auto list = cli({"server", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(json::parse(list.out)["servers"][0]["agents"], json::array({"pool-a", "pool-b"}));
  auto on_agents = json::parse(cli({"agent", "list", "--json"}).out)["agents"];
  ASSERT_EQ(on_agents.size(), 2u);
  for (const auto& a : on_agents) EXPECT_EQ(a["servers"], json::array({"pooled"})) << a.dump();

  const std::uint64_t a_before = written("pool-a"), b_before = written("pool-b");
  std::string job = start_sync("pooled", {"--component", "patches"});
  ASSERT_FALSE(job.empty());
  EXPECT_EQ(wait_job(job, 180s).value("status", ""), "completed") << job_reason(job);

  std::uint64_t bytes = 0;
  for (const auto& e : job_events(job, "FileCopied")) {
    bytes += e["payload"].value("size", std::uint64_t{0});
  }
  const double seconds = job_seconds(job);
  EXPECT_GE(bytes, 20 * kMiB);
  EXPECT_GE(seconds, 9.0) << bytes << " bytes in " << seconds << " s";
  EXPECT_GE(seconds, (static_cast<double>(bytes) - 0.1 * 2 * kMiB) / (2.0 * kMiB) * 0.95)
      << bytes << " bytes in " << seconds << " s: faster than the server's 2M";
  EXPECT_GE(written("pool-a") - a_before, 5 * kMiB) << "pool-a carried no big file";
  EXPECT_GE(written("pool-b") - b_before, 5 * kMiB) << "pool-b carried no big file";

  EXPECT_EQ(sha256sum_tree(root() + "/Patches", dir_.path()),
            sha256sum_tree(console_ + "/Patches", dir_.path()));
  EXPECT_TRUE(leftover_temps(dir_.sub("shared")).empty());
}

// Failover: SIGKILL one agent of the pool while both carry a batch. Its batch goes to the
// other agent (no copy fails, so the job needs no retry), the job completes, the killed
// agent's temps are swept, every file is byte-equal and recorded once.
TEST_F(AgentPoolTest, AnAgentKilledMidSyncLeavesItsBatchToTheOtherAgentOfThePool) {
  add_big_patches(4);
  start_pool();
  const std::uint64_t a_before = written("pool-a"), b_before = written("pool-b");
  std::string job = start_sync("pooled", {"--component", "patches"});
  ASSERT_FALSE(job.empty());
  // Both agents are receiving file data (more than a few chunks each).
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while ((written("pool-a") - a_before < kMiB || written("pool-b") - b_before < kMiB) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_GE(written("pool-a") - a_before, kMiB) << "pool-a never started writing";
  ASSERT_GE(written("pool-b") - b_before, kMiB) << "pool-b never started writing";
  agents_["pool-a"]->signal(SIGKILL);
  ASSERT_TRUE(agents_["pool-a"]->wait_exit(10s).has_value());

  json p = wait_job(job, 180s);
  EXPECT_EQ(p.value("status", ""), "completed") << job_reason(job)
                                                << agents_["pool-b"]->stderr_text();
  EXPECT_EQ(sha256sum_tree(root() + "/Patches", dir_.path()),
            sha256sum_tree(console_ + "/Patches", dir_.path()));
  EXPECT_TRUE(leftover_temps(dir_.sub("shared")).empty());
  EXPECT_TRUE(job_events(job, "FileCopyFailed").empty()) << "a batch failed instead of moving";
  // pool-b wrote its own batch and the one pool-a lost (each about half of the 20 MiB).
  EXPECT_GE(written("pool-b") - b_before, 15 * kMiB);

  std::set<std::string> seen;
  for (const auto& e : job_events(job, "FileCopied")) {
    EXPECT_TRUE(seen.insert(e["payload"].value("path", "")).second)
        << e["payload"].value("path", "") << " recorded twice";
  }
  std::size_t patches = 0;
  for (const auto& entry : fs::recursive_directory_iterator(console_ + "/Patches")) {
    patches += entry.is_regular_file();
  }
  EXPECT_EQ(seen.size(), patches);
}

}  // namespace
}  // namespace distsync::testing
