// Schedules that name a group, and validate schedules, over the real daemon: one occurrence
// really fires (a once schedule a minute or so ahead, on the daemon's own clock) and brings
// every server the group holds at that moment, including one that joined after the schedule
// was made, a sync with trigger "schedule" and a content validation (ValidationCompleted,
// trigger "schedule"); Run now of a validate schedule validates each member; a validate
// schedule naming nothing known is refused with one line and nothing recorded.
#include <ctime>
#include <set>

#include "tests/features/refusal_checks.h"
#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class ScheduleGroupTest : public RefusalChecks<SyncDaemonFixture> {
 protected:
  // Every event of `type`, in log order.
  std::vector<json> events_of(const std::string& type) {
    std::vector<json> out;
    std::uint64_t from = 1;
    for (;;) {
      json r = call("events.read", {{"from", from}, {"limit", 10000}});
      const auto& events = r.value("events", json::array());
      if (events.empty()) break;
      for (const auto& e : events) {
        from = e.value("seq", std::uint64_t{0}) + 1;
        if (e.value("type", "") == type) out.push_back(e);
      }
      if (from > r.value("last_seq", std::uint64_t{0})) break;
    }
    return out;
  }

  // The servers named by events of `type` whose payload has `key` == `value`, polled until
  // they are `want` or the deadline passes.
  std::set<std::string> await_servers(const std::string& type, const std::string& key,
                                      const std::string& value, const std::set<std::string>& want,
                                      std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::set<std::string> got;
    for (;;) {
      got.clear();
      for (const json& e : events_of(type)) {
        if (e["payload"].value(key, "") == value) got.insert(e["payload"].value("server", ""));
      }
      if (got == want || std::chrono::steady_clock::now() > deadline) return got;
      std::this_thread::sleep_for(200ms);
    }
  }

  void join(const std::string& group, const std::string& server) {
    auto r = cli({"group", "add-member", group, server, "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json reply = json::parse(r.out);
    for (const auto& j : reply["jobs"]) wait_job(j.get<std::string>());
  }
};

// "YYYY-MM-DD" and "HH:MM" in UTC of the first whole minute at least 70 s from now, so the
// schedule is made well before its occurrence.
std::pair<std::string, std::string> next_minute_utc() {
  std::time_t t = std::time(nullptr) + 70;
  t += 60 - t % 60;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char day[16], hm[8];
  std::strftime(day, sizeof day, "%Y-%m-%d", &tm);
  std::strftime(hm, sizeof hm, "%H:%M", &tm);
  return {day, hm};
}

TEST_F(ScheduleGroupTest, GroupScheduleFiresForEveryMemberIncludingALaterOne) {
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", dir_.sub("alpha")}).exit_code, 0);
  ASSERT_EQ(cli({"server", "add", "beta", "--path", dir_.sub("beta")}).exit_code, 0);
  ASSERT_EQ(cli({"group", "add", "branch", "--component", "patches"}).exit_code, 0);
  join("branch", "alpha");

  const auto [day, at] = next_minute_utc();
  for (const char* kind : {"sync", "validate"}) {
    auto r = cli({"schedule", "add", "--id", std::string("nightly-") + kind, "--kind", kind,
                  "--server", "branch", "--component", "patches", "--once", day, "--at", at,
                  "--tz", "UTC"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  join("branch", "beta");  // after the schedules were made

  const std::set<std::string> both{"alpha", "beta"};
  EXPECT_EQ(await_servers("SyncQueued", "schedule_id", "nightly-sync", both, 150s), both);
  for (const json& q : events_of("SyncQueued")) {
    if (q["payload"].value("schedule_id", "") != "nightly-sync") continue;
    EXPECT_EQ(q["payload"].value("trigger", ""), "schedule");
    EXPECT_EQ(wait_job(q.value("correlation", "")).value("status", ""), "completed");
  }
  EXPECT_EQ(await_servers("ValidationCompleted", "trigger", "schedule", both, 60s), both);
  std::set<std::string> fired;
  for (const json& f : events_of("ScheduleFired")) fired.insert(f["payload"].value("id", ""));
  EXPECT_EQ(fired, (std::set<std::string>{"nightly-sync", "nightly-validate"}));
}

TEST_F(ScheduleGroupTest, RunNowOfAValidateScheduleValidatesEachMember) {
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", dir_.sub("alpha")}).exit_code, 0);
  ASSERT_EQ(cli({"server", "add", "beta", "--path", dir_.sub("beta")}).exit_code, 0);
  ASSERT_EQ(cli({"group", "add", "branch"}).exit_code, 0);
  ASSERT_EQ(cli({"schedule", "add", "--id", "weekly-check", "--kind", "validate", "--server",
                 "branch", "--weekly", "--on", "sun", "--at", "02:00"})
                .exit_code,
            0);
  join("branch", "alpha");
  join("branch", "beta");  // both are synced on joining; then one file goes missing on beta
  const std::string lost = expected_server_tree().begin()->first;
  ASSERT_TRUE(fs::remove(dir_.sub("beta") + "/" + lost));

  auto r = cli({"schedule", "run", "weekly-check", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json started = json::parse(r.out)["started"];
  std::set<std::string> servers;
  for (const json& s : started) {
    EXPECT_EQ(s.value("kind", ""), "validate");
    servers.insert(s.value("server", ""));
  }
  EXPECT_EQ(servers, (std::set<std::string>{"alpha", "beta"}));
  EXPECT_EQ(await_servers("ValidationCompleted", "trigger", "manual", servers, 60s), servers);
  for (const json& v : events_of("ValidationCompleted")) {
    const json& p = v["payload"];
    if (p.value("server", "") == "alpha") {
      EXPECT_EQ(p.value("missing", -1), 0) << p.dump();
    }
    if (p.value("server", "") == "beta") {
      EXPECT_EQ(p["missing_paths"], json::array({lost})) << p.dump();
    }
  }

  const std::uint64_t before = last_seq();
  r = cli({"schedule", "add", "--kind", "validate", "--server", "nobody", "--daily", "--at", "01:00"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no server or group named 'nobody'"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(last_seq(), before);
}

}  // namespace
}  // namespace distsync::testing
