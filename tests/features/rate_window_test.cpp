// Rate windows over the real daemon: a server whose bandwidth plan has a closed window
// covering "now" (computed from the wall clock, in UTC, ending at the next minute or the one
// after) shows it closed in `server show`, with the opening as its next change; a sync queued
// then is deferred (SyncDeferred "closed-window", nothing copied) and starts by itself once the
// window opens; a job already running when a closed window begins pauses at a batch boundary
// and resumes when it opens (SyncPaused / SyncResumed); bad plans and zones are refused with
// one line and nothing recorded.
#include <algorithm>
#include <cctype>
#include <ctime>
#include <thread>

#include "tests/features/refusal_checks.h"
#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class RateWindowTest : public RefusalChecks<SyncDaemonFixture> {};

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

// One copy worker and two files a batch, so a job is many batches handed out one by one.
class RateWindowPauseTest : public RateWindowTest {
 protected:
  std::string extra_toml() override { return "copy_workers = 1\ncopy_batch_files = 2\n"; }
};

// A job already running when a closed window begins: its queued batches are held at a batch
// boundary (exactly one SyncPaused, `sync job` says paused and until when), nothing lands
// while the window is closed, and when it opens the batches go out again (exactly one
// SyncResumed) and the job completes with the target matching the console.
TEST_F(RateWindowPauseTest, ARunningJobPausesInAClosedWindowAndResumesWhenItOpens) {
  const std::string share = dir_.sub("alpha");
  std::uint64_t total = 0;
  for (const auto& [path, f] : expected_server_tree()) total += f.bytes.size();
  ASSERT_GT(total, 0u);

  // The window: the next UTC minute that starts at least 6 s from now, one minute long; the
  // rate makes the copy last about 15 s past its start, so the job is mid-way when it closes.
  std::time_t now = std::time(nullptr);
  if (now % 86400 >= 86400 - 240) {
    std::this_thread::sleep_for(std::chrono::seconds(86400 - now % 86400 + 1));
    now = std::time(nullptr);
  }
  std::time_t closes = now - now % 60 + 60;
  if (closes - now < 6) closes += 60;
  const std::time_t opens = closes + 60;
  std::tm a{}, b{};
  gmtime_r(&closes, &a);
  gmtime_r(&opens, &b);
  char from[32], to[16];
  std::strftime(from, sizeof from, "closed %a %H:%M-", &a);
  std::strftime(to, sizeof to, "%H:%M", &b);
  for (char& c : from) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));  // as the plan shows it
  const std::uint64_t rate = std::max<std::uint64_t>(total / static_cast<std::uint64_t>(closes - now + 15), 1);
  const std::string plan = std::string(from) + to + "; * " + std::to_string(rate);
  auto r = cli({"server", "add", "alpha", "--path", share, "--bandwidth-plan", plan, "--plan-zone", "UTC"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const std::string job = start_sync("alpha");
  ASSERT_FALSE(job.empty());
  auto started = await_job_events(job, "SyncStarted", 20s);
  ASSERT_EQ(started.size(), 1u);
  ASSERT_LT(started[0].value("time_us", std::int64_t{0}), closes * 1'000'000LL) << plan;

  auto paused = await_job_events(job, "SyncPaused", std::chrono::seconds(closes - now + 30));
  ASSERT_EQ(paused.size(), 1u) << plan;
  const std::int64_t paused_at = paused[0].value("time_us", std::int64_t{0});
  EXPECT_GE(paused_at, closes * 1'000'000LL);
  const json& pp = paused[0]["payload"];
  EXPECT_EQ(pp.value("job", ""), job);
  EXPECT_EQ(pp.value("server", ""), "alpha");
  EXPECT_EQ(pp.value("until_us", std::int64_t{0}), opens * 1'000'000LL) << pp.dump();
  EXPECT_NE(pp.value("reason", "").find("closed window '" + std::string(from) + to + "'"),
            std::string::npos) << pp.dump();

  // While paused: sync job says so, with the reason and the opening, and the job is unfinished.
  json shown = json::parse(cli({"sync", "job", job, "--json"}).out);
  EXPECT_EQ(shown.value("status", ""), "running") << shown.dump();
  EXPECT_TRUE(shown.value("paused", false)) << shown.dump();
  EXPECT_EQ(shown.value("paused_until_us", std::int64_t{0}), opens * 1'000'000LL) << shown.dump();
  EXPECT_EQ(shown.value("paused_reason", ""), pp.value("reason", ""));
  EXPECT_LT(shown.value("files_done", 0u), shown.value("files_total", 0u)) << shown.dump();
  auto text = cli({"sync", "job", job});
  EXPECT_NE(text.out.find(job + " running, paused"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("  paused: server 'alpha' is in the closed window"), std::string::npos)
      << text.out;

  EXPECT_EQ(wait_job(job, 200s).value("status", ""), "completed");
  EXPECT_EQ(read_tree(share), expected_server_tree());
  EXPECT_EQ(job_events(job, "SyncPaused").size(), 1u);  // once per window, not per batch or poll
  auto resumed = await_job_events(job, "SyncResumed");
  ASSERT_EQ(resumed.size(), 1u);
  const std::int64_t resumed_at = resumed[0].value("time_us", std::int64_t{0});
  EXPECT_GE(resumed_at, opens * 1'000'000LL);
  EXPECT_GT(resumed[0]["payload"].value("paused_us", std::int64_t{0}), 0);
  EXPECT_LE(resumed[0]["payload"].value("paused_us", std::int64_t{0}), resumed_at - paused_at + 1'000'000);
  // Nothing landed while the window was closed (the batch in flight at its start finished
  // before the pause was recorded; allow a second for its FileCopied to commit).
  std::size_t after_resume = 0;
  for (const auto& e : job_events(job, "FileCopied")) {
    const std::int64_t t = e.value("time_us", std::int64_t{0});
    EXPECT_FALSE(t > paused_at + 1'000'000 && t < opens * 1'000'000LL) << e.dump();
    if (t >= resumed_at) ++after_resume;
  }
  EXPECT_GT(after_resume, 0u);  // the job really was mid-way

  auto history = cli({"history", "--job", job});
  EXPECT_NE(history.out.find("SyncPaused"), std::string::npos) << history.out;
  EXPECT_NE(history.out.find("SyncResumed"), std::string::npos) << history.out;
  json after = json::parse(cli({"sync", "job", job, "--json"}).out);
  EXPECT_FALSE(after.value("paused", true)) << after.dump();
}

}  // namespace
}  // namespace distsync::testing
