// The prune guard over the real daemon: a prune that would remove more than 10% of a
// folder's files stops before removing (or copying) anything and names the count; a small
// prune goes ahead; --force-prune overrides; FilesPruned names what was removed; the limit
// comes from the config file.
#include <fstream>
#include <set>

#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class PruneGuardTest : public SyncDaemonFixture {
 protected:
  // Writes `n` files under <share>/Patches/old/ that the console does not have.
  std::set<std::string> add_extras(const std::string& share, int n, const std::string& tag) {
    std::set<std::string> out;
    fs::create_directories(share + "/Patches/old");
    for (int i = 0; i < n; ++i) {
      std::string rel = "old/" + tag + std::to_string(i) + ".msu";
      std::ofstream(share + "/Patches/" + rel) << "stale " << i;
      out.insert(rel);
    }
    return out;
  }

  std::set<std::string> removed_by(const std::string& job) {
    std::set<std::string> out;
    for (const auto& e : job_events(job, "FilesPruned")) {
      for (const auto& p : e["payload"]["removed"]) out.insert(p.get<std::string>());
    }
    return out;
  }

  static std::string job_of(const CommandResult& r) {
    return r.out.substr(5, r.out.find(' ', 5) - 5);  // "sync <job> for alpha queued"
  }
};

TEST_F(PruneGuardTest, LargePruneIsRefusedUntilForcedAndSmallOneRuns) {
  const std::string share = dir_.sub("alpha");
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", share}).exit_code, 0);
  ASSERT_EQ(cli({"sync", "alpha", "--wait"}).exit_code, 0);
  const std::size_t patches = read_tree(console_ + "/Patches").size();

  // One stale file of patches+1 is within 10%: pruned, and the event names it.
  std::set<std::string> one = add_extras(share, 1, "single");
  auto r = cli({"sync", "alpha", "--prune", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(removed_by(job_of(r)), one);
  EXPECT_FALSE(fs::exists(share + "/Patches/" + *one.begin()));

  // Half as many stale files as patches: over 10%, refused before anything is removed, and a
  // changed console file is not copied either.
  const int n = static_cast<int>(patches / 2);
  std::set<std::string> many = add_extras(share, n, "bulk");
  r = cli({"sync", "alpha", "--prune", "--wait"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string want = "prune refused: it would remove " + std::to_string(n) + " of " +
                           std::to_string(patches + n) + " files in Patches";
  EXPECT_NE(r.err.find(want), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--force-prune"), std::string::npos) << r.err;
  const std::string job = job_of(r);
  auto refused = await_job_events(job, "PruneRefused");
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0]["payload"].value("would_remove", 0), n);
  EXPECT_EQ(refused[0]["payload"].value("limit_percent", 0), 10);
  EXPECT_TRUE(job_events(job, "FilesPruned").empty());
  EXPECT_TRUE(job_events(job, "SyncStarted").empty());
  for (const auto& rel : many) EXPECT_TRUE(fs::exists(share + "/Patches/" + rel)) << rel;

  // Without --prune the same sync completes and leaves the extras alone.
  EXPECT_EQ(cli({"sync", "alpha", "--wait"}).exit_code, 0);
  for (const auto& rel : many) EXPECT_TRUE(fs::exists(share + "/Patches/" + rel)) << rel;

  // --force-prune removes exactly them and says so.
  r = cli({"sync", "alpha", "--force-prune", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(removed_by(job_of(r)), many);
  auto pruned = job_events(job_of(r), "FilesPruned");
  ASSERT_EQ(pruned.size(), 1u);
  EXPECT_TRUE(pruned[0]["payload"].value("forced", false));
  EXPECT_EQ(read_tree(share), expected_server_tree());
}

class PruneGuardConfigTest : public PruneGuardTest {
  std::string extra_toml() override { return "prune_guard_percent = 60\nprune_guard_files = 5\n"; }
};

TEST_F(PruneGuardConfigTest, LimitsComeFromTheConfig) {
  const std::string share = dir_.sub("alpha");
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", share}).exit_code, 0);
  ASSERT_EQ(cli({"sync", "alpha", "--wait"}).exit_code, 0);
  // 5 of 65 files: within both limits.
  std::set<std::string> five = add_extras(share, 5, "five");
  auto r = cli({"sync", "alpha", "--prune", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(removed_by(job_of(r)), five);
  // 6 files: past the file limit although far below 60%.
  std::set<std::string> six = add_extras(share, 6, "six");
  r = cli({"sync", "alpha", "--prune", "--wait"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("limits: 60% or 5 files"), std::string::npos) << r.err;
  for (const auto& rel : six) EXPECT_TRUE(fs::exists(share + "/Patches/" + rel)) << rel;
}

}  // namespace
}  // namespace distsync::testing
