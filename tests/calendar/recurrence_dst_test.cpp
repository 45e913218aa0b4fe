// DST: schedules at 02:30 and 01:30 local across spring-forward and fall-back. Expected UTC
// instants are worked out by hand from the zones' published rules (comments give the sums).
// Policy: a skipped wall time fires at the first instant after the gap; a repeated wall time
// fires once, at its first occurrence.
#include <gtest/gtest.h>

#include <vector>

#include "projections/calendar/iso_time.h"
#include "projections/calendar/recurrence.h"
#include "tests/calendar/test_time.h"

namespace distsync {
namespace {

using testing::kMinuteUs;
using testing::utc_us;

Recurrence daily_at(std::string time, std::string zone) {
  Recurrence r;
  r.frequency = Frequency::kDaily;
  r.start_date = "2026-01-01";
  r.time_of_day = std::move(time);
  r.time_zone = std::move(zone);
  return r;
}

std::vector<std::int64_t> fires(const Recurrence& r, std::int64_t after, std::size_t n) {
  Result<std::vector<std::int64_t>> f = next_fires(r, after, n);
  EXPECT_TRUE(f.ok()) << f.status().to_string();
  return f.ok() ? *f : std::vector<std::int64_t>{};
}

using V = std::vector<std::int64_t>;

// New York 2026: EST (-5) -> EDT (-4) on Mar 8 at 02:00; back on Nov 1 at 02:00 EDT.
TEST(RecurrenceDstTest, NewYorkSpringForward) {
  EXPECT_EQ(fires(daily_at("02:30", "America/New_York"), utc_us(2026, 3, 7), 3),
            (V{utc_us(2026, 3, 7, 7, 30),     // 02:30 EST
               utc_us(2026, 3, 8, 7, 0),      // 02:30 skipped: 03:00 EDT, the gap's end
               utc_us(2026, 3, 9, 6, 30)}));  // 02:30 EDT
  EXPECT_EQ(fires(daily_at("01:30", "America/New_York"), utc_us(2026, 3, 7), 3),
            (V{utc_us(2026, 3, 7, 6, 30), utc_us(2026, 3, 8, 6, 30),  // 01:30 EST, before the gap
               utc_us(2026, 3, 9, 5, 30)}));                          // 01:30 EDT
}

TEST(RecurrenceDstTest, NewYorkFallBack) {
  const Recurrence r = daily_at("01:30", "America/New_York");
  EXPECT_EQ(fires(r, utc_us(2026, 10, 31), 3),
            (V{utc_us(2026, 10, 31, 5, 30),    // 01:30 EDT
               utc_us(2026, 11, 1, 5, 30),     // 01:30 twice: the first, EDT
               utc_us(2026, 11, 2, 6, 30)}));  // 01:30 EST
  // Once only: from the first 01:30, the next fire is the next day, not the repeat an hour on.
  EXPECT_EQ(*next_fire_after(r, utc_us(2026, 11, 1, 5, 30)), utc_us(2026, 11, 2, 6, 30));
  EXPECT_EQ(*next_fire_after(r, utc_us(2026, 11, 1, 6, 0)), utc_us(2026, 11, 2, 6, 30));
  EXPECT_EQ(fires(daily_at("02:30", "America/New_York"), utc_us(2026, 10, 31), 3),
            (V{utc_us(2026, 10, 31, 6, 30), utc_us(2026, 11, 1, 7, 30),  // after the repeat: EST
               utc_us(2026, 11, 2, 7, 30)}));
}

// Berlin 2026: CET (+1) -> CEST (+2) on Mar 29 at 02:00; back on Oct 25 at 03:00 CEST.
TEST(RecurrenceDstTest, BerlinSpringForward) {
  EXPECT_EQ(fires(daily_at("02:30", "Europe/Berlin"), utc_us(2026, 3, 28), 3),
            (V{utc_us(2026, 3, 28, 1, 30),  // 02:30 CET
               utc_us(2026, 3, 29, 1, 0),   // skipped: 03:00 CEST
               utc_us(2026, 3, 30, 0, 30)}));
  EXPECT_EQ(fires(daily_at("01:30", "Europe/Berlin"), utc_us(2026, 3, 28), 3),
            (V{utc_us(2026, 3, 28, 0, 30), utc_us(2026, 3, 29, 0, 30),
               utc_us(2026, 3, 29, 23, 30)}));  // 01:30 CEST on the 30th
}

TEST(RecurrenceDstTest, BerlinFallBack) {
  EXPECT_EQ(fires(daily_at("02:30", "Europe/Berlin"), utc_us(2026, 10, 24), 3),
            (V{utc_us(2026, 10, 24, 0, 30),     // 02:30 CEST
               utc_us(2026, 10, 25, 0, 30),     // twice: the first, CEST
               utc_us(2026, 10, 26, 1, 30)}));  // 02:30 CET
  EXPECT_EQ(fires(daily_at("01:30", "Europe/Berlin"), utc_us(2026, 10, 24), 3),
            (V{utc_us(2026, 10, 24, 23, 30),  // 01:30 CEST on the 25th: before the repeat
               utc_us(2026, 10, 26, 0, 30),   // 01:30 CET on the 26th
               utc_us(2026, 10, 27, 0, 30)}));
}

TEST(RecurrenceDstTest, MonthlyRuleLandingInTheGap) {
  // Last Sunday of March 2026 at 02:30 Berlin is in the gap: 03:00 CEST.
  Recurrence r = daily_at("02:30", "Europe/Berlin");
  r.frequency = Frequency::kMonthly;
  r.monthly_mode = MonthlyMode::kNthWeekday;
  r.nth = -1;
  r.weekday = "sun";
  EXPECT_EQ(*next_fire_after(r, utc_us(2026, 3, 1)), utc_us(2026, 3, 29, 1, 0));
}

// Lord Howe: +10:30 standard, +11:00 summer; the clocks move by 30 minutes at 02:00.
// 2026: back on Apr 5 (02:00 +11 -> 01:30 +10:30), forward on Oct 4 (02:00 -> 02:30 +11).
TEST(RecurrenceDstTest, LordHoweHalfHourShift) {
  // 01:30-02:00 happens twice on Apr 5: the first 01:30 (+11) is 14:30 UTC on Apr 4.
  EXPECT_EQ(fires(daily_at("01:30", "Australia/Lord_Howe"), utc_us(2026, 4, 3), 3),
            (V{utc_us(2026, 4, 3, 14, 30), utc_us(2026, 4, 4, 14, 30),
               utc_us(2026, 4, 5, 15, 0)}));  // 01:30 +10:30
  EXPECT_EQ(fires(daily_at("02:30", "Australia/Lord_Howe"), utc_us(2026, 4, 3), 3),
            (V{utc_us(2026, 4, 3, 15, 30), utc_us(2026, 4, 4, 16, 0),  // +10:30 from Apr 5
               utc_us(2026, 4, 5, 16, 0)}));
  // Oct 4: 02:00-02:30 is skipped. 02:30 itself exists (+11); 02:15 fires at 02:30.
  EXPECT_EQ(
      fires(daily_at("02:30", "Australia/Lord_Howe"), utc_us(2026, 10, 2), 3),
      (V{utc_us(2026, 10, 2, 16, 0), utc_us(2026, 10, 3, 15, 30), utc_us(2026, 10, 4, 15, 30)}));
  EXPECT_EQ(*next_fire_after(daily_at("02:15", "Australia/Lord_Howe"), utc_us(2026, 10, 3)),
            utc_us(2026, 10, 3, 15, 30));
  EXPECT_EQ(fires(daily_at("01:30", "Australia/Lord_Howe"), utc_us(2026, 10, 2), 3),
            (V{utc_us(2026, 10, 2, 15, 0), utc_us(2026, 10, 3, 15, 0),  // +10:30
               utc_us(2026, 10, 4, 14, 30)}));                          // +11
}

TEST(RecurrenceDstTest, GapFireIsTheTransitionInstant) {
  // The fire time in a gap equals the first instant whose local time is past the gap: one
  // second earlier the clocks still show 01:59:59.
  const std::int64_t fire =
      **next_fire_after(daily_at("02:30", "America/New_York"), utc_us(2026, 3, 8));
  EXPECT_EQ(*format_local_iso(fire, "America/New_York"), "2026-03-08T03:00:00-04:00");
  EXPECT_EQ(*format_local_iso(fire - 1'000'000, "America/New_York"), "2026-03-08T01:59:59-05:00");
  EXPECT_EQ(fire % kMinuteUs, 0);
}

}  // namespace
}  // namespace distsync
