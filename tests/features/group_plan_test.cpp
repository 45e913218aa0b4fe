// Group bandwidth plans over the real daemon: a group whose plan is closed now holds the sync
// of a server that joins it (SyncDeferred naming the group's window, nothing copied), `server
// show` names the group as the source of the rate in force, a nested group's lower rate wins,
// clearing the plan with `group edit --no-bandwidth-plan` lets the held sync run, and bad
// plans and zones are refused with one line and nothing recorded.
#include <algorithm>

#include "tests/features/refusal_checks.h"
#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class GroupPlanTest : public RefusalChecks<SyncDaemonFixture> {
 protected:
  json rate_now(const std::string& server) {
    auto r = cli({"server", "show", server, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out)["rate_now"];
  }
};

TEST_F(GroupPlanTest, AClosedGroupPlanHoldsAMembersSyncUntilItIsCleared) {
  const std::string share = dir_.sub("alpha");
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", share, "--bandwidth", "8M"}).exit_code, 0);
  auto r = cli({"group", "add", "offices", "--bandwidth-plan", "closed * 00:00-24:00",
                "--zone", "Europe/Berlin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json groups = json::parse(cli({"group", "list", "--json"}).out)["groups"];
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].value("bandwidth_plan", ""), "closed * 00:00-24:00");
  EXPECT_EQ(groups[0].value("plan_zone", ""), "Europe/Berlin");

  // alpha joins: its sync (trigger group) is queued and held by the group's closed window.
  r = cli({"group", "add-member", "offices", "alpha", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json joined = json::parse(r.out);
  ASSERT_EQ(joined["jobs"].size(), 1u) << r.out;
  const std::string job = joined["jobs"][0].get<std::string>();
  auto deferred = await_job_events(job, "SyncDeferred", 20s);
  ASSERT_EQ(deferred.size(), 1u);
  EXPECT_EQ(deferred[0]["payload"].value("download_id", ""), "closed-window");
  EXPECT_NE(deferred[0]["payload"].value("reason", "").find(
                "server 'alpha' is in the closed window 'closed * 00:00-24:00' of group 'offices'"),
            std::string::npos)
      << deferred[0].dump();

  json rate = rate_now("alpha");
  EXPECT_TRUE(rate.value("closed", false)) << rate.dump();
  EXPECT_EQ(rate["set_by"].value("kind", ""), "group") << rate.dump();
  EXPECT_EQ(rate["set_by"].value("name", ""), "offices") << rate.dump();
  EXPECT_EQ(rate.value("zone", ""), "Europe/Berlin");
  EXPECT_EQ(rate.value("source", ""), "closed * 00:00-24:00");
  EXPECT_EQ(rate["group_plans"], json::array({"offices"}));
  EXPECT_FALSE(rate.contains("next_change_us"));  // closed all week
  auto table = cli({"server", "show", "alpha"});
  EXPECT_NE(table.out.find("in force now    closed (closed * 00:00-24:00, from group offices)"),
            std::string::npos) << table.out;
  EXPECT_TRUE(job_events(job, "SyncStarted").empty());
  EXPECT_TRUE(read_tree(share).empty());

  // A nested group's plan applies too: the lower of 8M (alpha's own) and 1M (outer's), once
  // offices is open again (which also lets the held sync start).
  ASSERT_EQ(cli({"group", "edit", "offices", "--bandwidth-plan", "* 0"}).exit_code, 0);
  EXPECT_EQ(json::parse(cli({"group", "list", "--json"}).out)["groups"][0].value("plan_zone", ""),
            "Europe/Berlin");  // the zone stays when only the plan is given
  ASSERT_EQ(cli({"group", "add", "outer", "--bandwidth-plan", "* 1M"}).exit_code, 0);
  ASSERT_EQ(cli({"group", "add-member", "outer", "offices"}).exit_code, 0);
  rate = rate_now("alpha");
  EXPECT_FALSE(rate.value("closed", true)) << rate.dump();
  EXPECT_EQ(rate.value("bandwidth_bps", 0u), 1u << 20) << rate.dump();
  EXPECT_EQ(rate["set_by"].value("name", ""), "outer") << rate.dump();

  // Cleared everywhere: the server's own limit; the sync that was held completes.
  ASSERT_EQ(cli({"group", "edit", "offices", "--no-bandwidth-plan"}).exit_code, 0);
  ASSERT_EQ(cli({"group", "edit", "outer", "--no-bandwidth-plan"}).exit_code, 0);
  rate = rate_now("alpha");
  EXPECT_EQ(rate.value("bandwidth_bps", 0u), 8u << 20) << rate.dump();
  EXPECT_EQ(rate["set_by"].value("kind", ""), "server") << rate.dump();
  EXPECT_EQ(rate.value("source", ""), "server limit");
  EXPECT_TRUE(rate["group_plans"].empty()) << rate.dump();
  EXPECT_EQ(wait_job(job, 120s).value("status", ""), "completed");
  EXPECT_EQ(read_tree(share), expected_server_tree());
  EXPECT_EQ(job_events(job, "SyncDeferred").size(), 1u);

  auto history = cli({"history", "--type", "GroupPlanSet"});
  EXPECT_NE(history.out.find("group offices has no bandwidth plan"), std::string::npos) << history.out;
}

TEST_F(GroupPlanTest, BadGroupPlansAndZonesAreRefusedWithOneLine) {
  expect_refused({"group", "add", "g", "--bandwidth-plan", "mon 18:00-08:00 1M"}, "ends after it starts");
  expect_refused({"group", "add", "g", "--bandwidth-plan", "* 0", "--zone", "Mars/Olympus"},
                 "unknown time zone");
  expect_refused({"group", "add", "g", "--zone", "Europe/Berlin"}, "a plan zone needs a bandwidth plan");
  EXPECT_TRUE(json::parse(cli({"group", "list", "--json"}).out)["groups"].empty());
  ASSERT_EQ(cli({"group", "add", "g"}).exit_code, 0);
  expect_refused({"group", "edit", "g", "--bandwidth-plan", "someday 1M"}, "unknown day 'someday'");
  expect_refused({"group", "edit", "g", "--bandwidth-plan", "mon-fri 08:00-18:00 2M; mon 12:00-13:00 1M"},
                 "overlap on mon");
  expect_refused({"group", "edit", "nobody", "--no-bandwidth-plan"}, "no group named 'nobody'");
  EXPECT_EQ(json::parse(cli({"group", "list", "--json"}).out)["groups"][0].value("bandwidth_plan", "x"), "");
  auto usage = cli({"group", "edit", "g"});
  EXPECT_EQ(usage.exit_code, 2) << usage.out << usage.err;
}

}  // namespace
}  // namespace distsync::testing
