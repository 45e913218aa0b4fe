// Rate windows over the real daemon: a server whose bandwidth plan has a closed window
// covering "now" (computed from the wall clock, in UTC, ending at the next minute or the one
// after) shows it closed in `server show`, with the opening as its next change; a sync queued
// then is deferred (SyncDeferred "closed-window", nothing copied) and starts by itself once the
// window opens; bad plans and zones are refused with one line and nothing recorded.
#include <ctime>
#include <thread>

#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class RateWindowTest : public SyncDaemonFixture {
 protected:
  std::uint64_t last_seq() { return call("events.read", {{"from", 1}, {"limit", 1}}).value("last_seq", 0ull); }

  void expect_refused(std::vector<std::string> args, const std::string& says) {
    const std::uint64_t before = last_seq();
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(last_seq(), before);
  }
};

struct Window {
  std::string text;        // "closed thu 03:50-03:52"
  std::int64_t opens_us;   // its end, UTC
};

// A closed window from the start of this UTC minute to the next minute (or the one after, when
// this one ends within 20 s), on today's weekday. Waits past midnight rather than span it.
Window closed_window_now() {
  std::time_t t = std::time(nullptr);
  if (t % 86400 >= 86400 - 180) {
    std::this_thread::sleep_for(std::chrono::seconds(86400 - t % 86400 + 1));
    t = std::time(nullptr);
  }
  const std::time_t start = t - t % 60;
  const std::time_t end = start + (t % 60 >= 40 ? 120 : 60);
  std::tm a{}, b{};
  gmtime_r(&start, &a);
  gmtime_r(&end, &b);
  char text[64];
  std::strftime(text, sizeof text, "closed %a %H:%M-", &a);
  std::string s = text;
  std::strftime(text, sizeof text, "%H:%M", &b);
  return {s + text, static_cast<std::int64_t>(end) * 1'000'000};
}

TEST_F(RateWindowTest, ClosedWindowDefersAQueuedSyncUntilItOpens) {
  const std::string share = dir_.sub("alpha");
  const Window w = closed_window_now();
  auto r = cli({"server", "add", "alpha", "--path", share, "--bandwidth-plan", w.text + "; * 4M",
                "--plan-zone", "UTC"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  json shown = json::parse(cli({"server", "show", "alpha", "--json"}).out);
  EXPECT_TRUE(shown["rate_now"].value("closed", false)) << shown.dump();
  EXPECT_EQ(shown["rate_now"].value("next_change_us", std::int64_t{0}), w.opens_us) << shown.dump();
  auto table = cli({"server", "show", "alpha"});
  EXPECT_NE(table.out.find("in force now    closed"), std::string::npos) << table.out;

  const std::string job = start_sync("alpha");
  ASSERT_FALSE(job.empty());
  auto deferred = await_job_events(job, "SyncDeferred", 20s);
  ASSERT_EQ(deferred.size(), 1u);
  EXPECT_EQ(deferred[0]["payload"].value("download_id", ""), "closed-window");
  EXPECT_NE(deferred[0]["payload"].value("reason", "").find("closed window"), std::string::npos);
  EXPECT_TRUE(job_events(job, "SyncStarted").empty());
  EXPECT_TRUE(read_tree(share).empty());

  // It opens: the sync starts by itself, after the window's end, and completes.
  EXPECT_EQ(wait_job(job, 200s).value("status", ""), "completed");
  auto started = job_events(job, "SyncStarted");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_GE(started[0].value("time_us", std::int64_t{0}), w.opens_us);
  EXPECT_EQ(read_tree(share), expected_server_tree());
  EXPECT_EQ(job_events(job, "SyncDeferred").size(), 1u);  // deferred once, not once per poll

  shown = json::parse(cli({"server", "show", "alpha", "--json"}).out);
  EXPECT_FALSE(shown["rate_now"].value("closed", true));
  EXPECT_EQ(shown["rate_now"].value("bandwidth_bps", 0u), 4u << 20);
  EXPECT_EQ(shown["rate_now"].value("source", ""), "default");
}

TEST_F(RateWindowTest, BadPlansAndZonesAreRefusedWithOneLine) {
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", dir_.sub("alpha")}).exit_code, 0);
  expect_refused({"server", "edit", "alpha", "--bandwidth-plan", "mon-fri 08:00-18:00 2M; mon 12:00-13:00 1M"},
                 "overlap on mon");
  expect_refused({"server", "edit", "alpha", "--bandwidth-plan", "mon 18:00-08:00 1M"}, "ends after it starts");
  expect_refused({"server", "edit", "alpha", "--bandwidth-plan", "someday 1M"}, "unknown day 'someday'");
  expect_refused({"server", "edit", "alpha", "--bandwidth-plan", "* 0", "--plan-zone", "Mars/Olympus"},
                 "unknown time zone");
  expect_refused({"server", "add", "beta", "--path", dir_.sub("beta"), "--bandwidth-plan", "closed sat 1M"},
                 "closed window has no rate");
  EXPECT_TRUE(json::parse(cli({"server", "show", "alpha", "--json"}).out)["server"].value("bandwidth_plan", "x").empty());

  // A good plan in Berlin: the show names the rate now and the zone.
  ASSERT_EQ(cli({"server", "edit", "alpha", "--bandwidth-plan", "mon-sun 00:00-24:00 3M",
                 "--plan-zone", "Europe/Berlin"}).exit_code, 0);
  json shown = json::parse(cli({"server", "show", "alpha", "--json"}).out);
  EXPECT_EQ(shown["rate_now"].value("bandwidth_bps", 0u), 3u << 20);
  EXPECT_EQ(shown["rate_now"].value("zone", ""), "Europe/Berlin");
  EXPECT_FALSE(shown["rate_now"].contains("next_change_us"));
  expect_refused({"server", "show", "nobody"}, "no server named 'nobody'");
}

}  // namespace
}  // namespace distsync::testing
