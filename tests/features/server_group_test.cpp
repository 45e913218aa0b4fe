// Server groups over the real daemon: a server that joins a group is synced without anyone
// asking (trigger "group", the group's component), nested groups, a group that would contain
// itself refused with one line and nothing recorded, `sync` and `report` naming a group.
#include <algorithm>
#include <set>

#include "tests/features/refusal_checks.h"
#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class ServerGroupTest : public RefusalChecks<SyncDaemonFixture> {};

TEST_F(ServerGroupTest, JoiningServerIsSyncedAndGroupsNest) {
  const std::string alpha = dir_.sub("alpha"), beta = dir_.sub("beta");
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", alpha}).exit_code, 0);
  ASSERT_EQ(cli({"server", "add", "beta", "--path", beta}).exit_code, 0);
  ASSERT_EQ(cli({"group", "add", "berlin", "--component", "patches"}).exit_code, 0);

  // alpha joins: a patches sync with trigger "group" runs without anyone asking for it.
  auto r = cli({"group", "add-member", "berlin", "alpha", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json joined = json::parse(r.out);
  ASSERT_EQ(joined["jobs"].size(), 1u) << r.out;
  const std::string job = joined["jobs"][0].get<std::string>();
  EXPECT_EQ(wait_job(job).value("status", ""), "completed");
  auto queued = job_events(job, "SyncQueued");
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0]["payload"].value("trigger", ""), "group");
  EXPECT_EQ(queued[0]["payload"].value("component", ""), "patches");
  std::map<std::string, FileFacts> patches;
  for (auto& [p, f] : read_tree(console_ + "/Patches")) patches["Patches/" + p] = f;
  EXPECT_EQ(read_tree(alpha), patches);
  EXPECT_TRUE(read_tree(beta).empty());

  // A nested group: europe holds berlin; beta joins europe directly.
  ASSERT_EQ(cli({"group", "add", "europe"}).exit_code, 0);
  r = cli({"group", "add-member", "europe", "berlin", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json reply = json::parse(r.out);  // a named value: a range-for over a temporary's member dangles
  for (const auto& j : reply["jobs"]) wait_job(j.get<std::string>());
  r = cli({"group", "add-member", "europe", "beta", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  reply = json::parse(r.out);
  ASSERT_EQ(reply["jobs"].size(), 1u) << r.out;
  for (const auto& j : reply["jobs"]) wait_job(j.get<std::string>());
  EXPECT_EQ(read_tree(beta), expected_server_tree());

  // A group that would contain itself: refused, one line, nothing recorded.
  expect_refused({"group", "add-member", "berlin", "europe"}, "a group cannot contain itself");
  expect_refused({"group", "add-member", "berlin", "berlin"}, "cannot contain itself");
  expect_refused({"group", "add-member", "berlin", "nobody"}, "no server or group named 'nobody'");
  expect_refused({"server", "add", "europe", "--path", dir_.sub("x")}, "a group named 'europe'");

  auto list = json::parse(cli({"group", "list", "--json"}).out);
  std::map<std::string, std::vector<std::string>> servers;
  for (const auto& g : list["groups"]) servers[g.value("name", "")] = g["servers"].get<std::vector<std::string>>();
  EXPECT_EQ(servers["berlin"], (std::vector<std::string>{"alpha"}));
  EXPECT_EQ(servers["europe"], (std::vector<std::string>{"alpha", "beta"}));

  // The report and a sync may name a group.
  auto report = json::parse(cli({"report", "berlin", "--json"}).out);
  std::set<std::string> reported;
  for (const auto& s : report["servers"]) reported.insert(s.value("server", ""));
  EXPECT_EQ(reported, (std::set<std::string>{"alpha"}));
  r = cli({"sync", "europe", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> synced;
  reply = json::parse(r.out);
  for (const auto& j : reply["jobs"]) {
    synced.insert(j.value("server", ""));
    EXPECT_EQ(wait_job(j.value("job", "")).value("status", ""), "completed");
  }
  EXPECT_EQ(synced, (std::set<std::string>{"alpha", "beta"}));

  // Leaving and removing: beta leaves, berlin goes; alpha stays registered.
  ASSERT_EQ(cli({"group", "remove-member", "europe", "beta"}).exit_code, 0);
  ASSERT_EQ(cli({"group", "remove", "berlin"}).exit_code, 0);
  list = json::parse(cli({"group", "list", "--json"}).out);
  ASSERT_EQ(list["groups"].size(), 1u);
  EXPECT_TRUE(list["groups"][0]["members"].empty());
  expect_refused({"sync", "europe"}, "group 'europe' holds no server");
}

}  // namespace
}  // namespace distsync::testing
