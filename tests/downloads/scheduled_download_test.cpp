// A scheduled download firing under an injected clock: the Scheduler appends DownloadStarted
// when the schedule falls due, and the DownloadService runs it like any other download.
#include <gtest/gtest.h>

#include "daemon/commands/schedule_commands.h"
#include "daemon/scheduler/scheduler.h"
#include "projections/calendar/iso_time.h"
#include "tests/downloads/download_test_console.h"

namespace distsync {
namespace {

using namespace testing;

std::int64_t at(const char* iso) { return *parse_iso8601(iso); }

TEST(ScheduledDownloadTest, FiresAtItsTimeAndTheServiceRunsIt) {
  TempDir dir;
  write_file(dir / "defs/Engines/engine.dll", make_bytes(5000, 11));
  write_file(dir / "defs/defs.dat", "definitions");
  std::int64_t now = at("2026-11-01T00:00:00Z");
  TestConsole c(dir / "c", [&now] { return now; });
  SchedulerOptions so;
  so.console = "c1";
  so.clock_us = [&now] { return now; };
  so.download_sources = [&] { return DownloadSources{{"refresh", dir / "defs"}}; };
  Scheduler scheduler(*c.log, c.projections, so);

  ScheduleSpec spec;
  spec.id = "nightly-refresh";
  spec.kind = "refresh";
  spec.recurrence.frequency = Frequency::kDaily;
  spec.recurrence.start_date = "2026-11-01";
  spec.recurrence.time_of_day = "03:00";
  spec.recurrence.time_zone = "Europe/Berlin";  // 02:00 UTC in November
  auto added = c.log->execute([&](std::uint64_t, std::vector<EventDraft>* out) {
    return c.projections.with_state(
        [&](const ProjectedState& s) { return decide_schedule_add(s, "c1", spec, now, out); });
  });
  ASSERT_TRUE(added.ok()) << added.status().message();
  c.service->start();

  now = at("2026-11-01T01:59:59Z");
  auto early = scheduler.tick();
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(early->started.empty());

  now = at("2026-11-01T02:00:05Z");
  auto fired = scheduler.tick();
  ASSERT_TRUE(fired.ok()) << fired.status().message();
  ASSERT_EQ(fired->started.size(), 1u);
  EXPECT_EQ(fired->started[0].kind, "download");
  const std::string id = fired->started[0].id;

  auto end = c.wait_end(id);
  ASSERT_TRUE(end && end->as<DownloadCompleted>())
      << (end && end->as<DownloadFailed>() ? end->as<DownloadFailed>()->reason : "no end");
  EXPECT_EQ(*end->as<DownloadCompleted>(), (DownloadCompleted{2, 2, 0, 5011}));
  EXPECT_EQ(read_file(c.datafiles_dir() + "/defs.dat"), "definitions");

  const Event* started = nullptr;
  std::vector<Event> events = c.events();
  for (const Event& e : events) {
    if (e.correlation == id && e.as<DownloadStarted>()) started = &e;
  }
  ASSERT_NE(started, nullptr);
  EXPECT_EQ(started->as<DownloadStarted>()->trigger, "schedule");
  EXPECT_EQ(started->as<DownloadStarted>()->schedule_id, "nightly-refresh");
  EXPECT_EQ(started->as<DownloadStarted>()->source, dir / "defs");
  EXPECT_LT(started->seq, end->seq);

  // The same occurrence never fires twice.
  auto again = scheduler.tick();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->started.empty());
}

}  // namespace
}  // namespace distsync
