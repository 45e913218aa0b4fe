#include "daemon/scheduler/scheduler.h"

#include <gtest/gtest.h>

#include "daemon/commands/schedule_commands.h"
#include "daemon/commands/server_commands.h"
#include "events/log/lmdb_event_log.h"
#include "projections/calendar/iso_time.h"
#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

std::int64_t at(const char* iso) { return *parse_iso8601(iso); }

// A daemon's worth of log, projections and scheduler over one data dir, with a test clock.
struct Console {
  Console(const std::string& dir, std::int64_t* now) {
    LmdbLogOptions o;
    o.dir = dir;
    o.console = "c1";
    o.folder = &projections;
    o.clock_us = [now] { return *now; };
    log = std::move(LmdbEventLog::open(o)).value();
    EXPECT_TRUE(projections.refresh(*log).is_ok());
    SchedulerOptions so;
    so.console = "c1";
    so.clock_us = [now] { return *now; };
    scheduler = std::make_unique<Scheduler>(*log, projections, so);
  }
  template <typename Decide>
  Status run(Decide decide) {
    auto r = log->execute([&](std::uint64_t, std::vector<EventDraft>* out) {
      return projections.with_state([&](const ProjectedState& s) { return decide(s, out); });
    });
    return r.ok() ? Status::ok() : r.status();
  }
  std::vector<Event> events_since(std::uint64_t seq) { return *log->read(seq + 1, UINT64_MAX, 100000); }

  ProjectionSet projections;
  std::unique_ptr<LmdbEventLog> log;
  std::unique_ptr<Scheduler> scheduler;
};

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = at("2026-11-01T00:00:00Z");
    console_ = std::make_unique<Console>(dir_.path(), &now_);
    ServerSpec s;
    s.name = "a";
    s.root_path = "/srv/a";
    ASSERT_TRUE(console_->run([&](const ProjectedState& st, auto* out) { return decide_server_add(st, s, out); }).is_ok());
    ScheduleSpec spec;
    spec.id = "daily";
    spec.server = "a";
    spec.component = "patches";
    spec.recurrence.frequency = Frequency::kDaily;
    spec.recurrence.start_date = "2026-11-01";
    spec.recurrence.time_of_day = "03:00";
    spec.recurrence.time_zone = "Europe/Berlin";
    ASSERT_TRUE(console_->run([&](const ProjectedState& st, auto* out) {
                  return decide_schedule_add(st, "c1", spec, now_, out);
                }).is_ok());
  }

  std::vector<Event> fired_since(std::uint64_t seq) {
    std::vector<Event> out;
    for (Event& e : console_->events_since(seq)) {
      if (e.as<ScheduleFired>() || e.as<ScheduleMissed>() || e.as<SyncQueued>()) out.push_back(e);
    }
    return out;
  }

  testing::TempDir dir_;
  std::int64_t now_ = 0;
  std::unique_ptr<Console> console_;
};

TEST_F(SchedulerTest, FiresOnTimeOnceAndQueuesTheSync) {
  now_ = at("2026-11-01T01:59:59Z");  // 02:59:59 in Berlin
  std::uint64_t seq = console_->log->last_seq();
  ASSERT_TRUE(console_->scheduler->tick().ok());
  EXPECT_TRUE(fired_since(seq).empty());
  now_ = at("2026-11-01T02:00:01Z");
  auto outcome = console_->scheduler->tick();
  ASSERT_TRUE(outcome.ok());
  ASSERT_EQ(outcome->started.size(), 1u);
  auto events = fired_since(seq);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].as<ScheduleFired>()->trigger, "schedule");
  EXPECT_EQ(events[0].as<ScheduleFired>()->occurrence_us, at("2026-11-01T02:00:00Z"));
  EXPECT_EQ(events[1].as<SyncQueued>()->trigger, "schedule");
  EXPECT_EQ(events[1].as<SyncQueued>()->schedule_id, "daily");
  seq = console_->log->last_seq();
  ASSERT_TRUE(console_->scheduler->tick().ok());
  EXPECT_TRUE(fired_since(seq).empty()) << "the same occurrence never fires twice";
}

TEST_F(SchedulerTest, CatchUpAfterDowntimeFiresOnceAndOlderOnesAreMissed) {
  now_ = at("2026-11-05T12:00:00Z");  // down since Nov 1: occurrences Nov 1..5 at 02:00Z
  std::uint64_t seq = console_->log->last_seq();
  ASSERT_TRUE(console_->scheduler->tick().ok());
  auto events = fired_since(seq);
  int missed = 0, fired = 0;
  for (const Event& e : events) {
    if (e.as<ScheduleMissed>()) ++missed;
    if (const auto* f = e.as<ScheduleFired>()) {
      ++fired;
      EXPECT_EQ(f->trigger, "catch-up");
      EXPECT_EQ(f->occurrence_us, at("2026-11-05T02:00:00Z"));
    }
  }
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(missed, 4) << "Nov 1 to 4 at 02:00Z are older than the 24 h grace period";
}

TEST_F(SchedulerTest, RestartDoesNotFireTheSameOccurrenceAgain) {
  now_ = at("2026-11-01T02:30:00Z");
  ASSERT_EQ(console_->scheduler->tick()->started.size(), 1u);
  std::uint64_t seq = console_->log->last_seq();
  console_.reset();  // the daemon stops
  console_ = std::make_unique<Console>(dir_.path(), &now_);
  now_ = at("2026-11-01T02:45:00Z");
  ASSERT_TRUE(console_->scheduler->tick().ok());
  EXPECT_TRUE(fired_since(seq).empty());
  now_ = at("2026-11-02T02:00:30Z");
  ASSERT_EQ(console_->scheduler->tick()->started.size(), 1u);
}

// "Patch Tuesday + 4" added on the Wednesday after Patch Tuesday (Tue 10 Nov 2026) fires on
// Saturday 14 Nov, once, across a restart, and next on December's Saturday (8th + 4).
TEST_F(SchedulerTest, MonthlyDelayAddedAfterTheBaseDayFiresThisMonthOnce) {
  now_ = at("2026-11-11T09:00:00Z");
  ServerSpec b;  // its own server, so that the daily schedule's jobs never meet this one's
  b.name = "b";
  b.root_path = "/srv/b";
  ASSERT_TRUE(
      console_
          ->run([&](const ProjectedState& st, auto* out) { return decide_server_add(st, b, out); })
          .is_ok());
  ScheduleSpec spec;
  spec.id = "patch-tuesday";
  spec.server = "b";
  spec.component = "patches";
  spec.recurrence.frequency = Frequency::kMonthly;
  spec.recurrence.monthly_mode = MonthlyMode::kNthWeekday;
  spec.recurrence.nth = 2;
  spec.recurrence.weekday = "tue";
  spec.recurrence.delay_days = 4;
  spec.recurrence.start_date = "2026-11-11";
  spec.recurrence.time_of_day = "03:00";
  spec.recurrence.time_zone = "Europe/Berlin";
  ASSERT_TRUE(console_
                  ->run([&](const ProjectedState& st, auto* out) {
                    return decide_schedule_add(st, "c1", spec, now_, out);
                  })
                  .is_ok());
  auto fired = [&](std::uint64_t seq) {
    std::vector<std::int64_t> out;
    for (const Event& e : fired_since(seq)) {
      if (e.correlation != "patch-tuesday") continue;
      EXPECT_EQ(e.as<ScheduleMissed>(), nullptr);
      if (const auto* f = e.as<ScheduleFired>()) out.push_back(f->occurrence_us);
    }
    return out;
  };
  const std::uint64_t seq = console_->log->last_seq();
  now_ = at("2026-11-14T02:00:30Z");  // 03:00:30 in Berlin, Saturday
  ASSERT_TRUE(console_->scheduler->tick().ok());
  EXPECT_EQ(fired(seq), std::vector<std::int64_t>{at("2026-11-14T02:00:00Z")});
  console_.reset();  // a restart does not fire it again
  console_ = std::make_unique<Console>(dir_.path(), &now_);
  now_ = at("2026-11-14T05:00:00Z");
  ASSERT_TRUE(console_->scheduler->tick().ok());
  EXPECT_EQ(fired(seq).size(), 1u);
  now_ = at("2026-12-12T02:00:30Z");
  ASSERT_TRUE(console_->scheduler->tick().ok());
  EXPECT_EQ(fired(seq),
            (std::vector<std::int64_t>{at("2026-11-14T02:00:00Z"), at("2026-12-12T02:00:00Z")}));
}

TEST_F(SchedulerTest, AnotherConsolesSchedulesAreNotFiredHere) {
  SchedulerOptions so;
  so.console = "c2";
  so.clock_us = [this] { return now_; };
  Scheduler other(*console_->log, console_->projections, so);
  now_ = at("2026-11-01T02:00:10Z");
  ASSERT_TRUE(other.tick()->started.empty());
}

TEST_F(SchedulerTest, NextDueIsTheEarliestOccurrence) {
  auto due = console_->projections.with_state([](const ProjectedState& s) { return next_due(s, "c1"); });
  ASSERT_TRUE(due.has_value());
  EXPECT_EQ(*due, at("2026-11-01T02:00:00Z"));
}

}  // namespace
}  // namespace distsync
