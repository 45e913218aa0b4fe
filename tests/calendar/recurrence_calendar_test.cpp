// Calendar tables: fire days checked against days found here by plain day-by-day loops over
// std::chrono dates, never by the code under test. Zone UTC at 00:00, so a fire time is the
// midnight that starts its day.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "projections/calendar/recurrence.h"
#include "tests/calendar/test_time.h"

namespace distsync {
namespace {

using namespace std::chrono;
using testing::kDayUs;
using testing::utc_us;

Recurrence monthly_rule(std::string start) {
  Recurrence r;
  r.frequency = Frequency::kMonthly;
  r.start_date = std::move(start);
  r.time_of_day = "00:00";
  r.time_zone = "UTC";
  return r;
}

Recurrence nth_weekday_rule(int nth, std::string weekday, std::uint32_t delay) {
  Recurrence r = monthly_rule("2026-01-01");
  r.monthly_mode = MonthlyMode::kNthWeekday;
  r.nth = nth;
  r.weekday = std::move(weekday);
  r.delay_days = delay;
  return r;
}

std::vector<sys_days> fire_days(const Recurrence& r, std::int64_t after, std::size_t n) {
  Result<std::vector<std::int64_t>> fires = next_fires(r, after, n);
  EXPECT_TRUE(fires.ok()) << fires.status().to_string();
  std::vector<sys_days> out;
  if (!fires.ok()) return out;
  for (std::int64_t f : *fires) {
    EXPECT_EQ(f % kDayUs, 0) << "fire time is not midnight UTC: " << f;
    out.push_back(sys_days{days{f / kDayUs}});
  }
  return out;
}

// The nth (1-based) `wd` of a month, counting days one by one; n = -1 for the last.
sys_days nth_weekday_by_loop(year y, month m, weekday wd, int n) {
  std::vector<sys_days> matches;
  for (sys_days d = sys_days{y / m / 1}; year_month_day{d}.month() == m; d += days{1}) {
    if (weekday{d} == wd) matches.push_back(d);
  }
  return n == -1 ? matches.back() : matches.at(n - 1);
}

sys_days last_day_by_loop(year y, month m) {
  sys_days d = sys_days{y / m / 1};
  while (year_month_day{d + days{1}}.month() == m) d += days{1};
  return d;
}

sys_days ymd(int y, unsigned m, unsigned d) { return sys_days{year{y} / month{m} / day{d}}; }

TEST(RecurrenceCalendarTest, SecondTuesdayPlusFourEveryMonth2026To2030) {
  std::vector<sys_days> expected;
  for (int y = 2026; y <= 2030; ++y) {
    for (unsigned m = 1; m <= 12; ++m) {
      expected.push_back(nth_weekday_by_loop(year{y}, month{m}, Tuesday, 2) + days{4});
    }
  }
  EXPECT_EQ(fire_days(nth_weekday_rule(2, "tue", 4), utc_us(2025, 12, 31), 60), expected);
}

TEST(RecurrenceCalendarTest, SecondTuesdayOnThe8thAndOnThe14th) {
  // December 2026 starts on a Tuesday, so its second Tuesday is the 8th (+4: Saturday 12th);
  // April 2026 starts on a Wednesday, so its second Tuesday is the 14th (+4: Saturday 18th).
  ASSERT_EQ(weekday{ymd(2026, 12, 1)}, Tuesday);
  ASSERT_EQ(weekday{ymd(2026, 4, 1)}, Wednesday);
  const Recurrence r = nth_weekday_rule(2, "tue", 4);
  EXPECT_EQ(fire_days(r, utc_us(2026, 11, 30), 1), std::vector<sys_days>{ymd(2026, 12, 12)});
  EXPECT_EQ(fire_days(r, utc_us(2026, 3, 31), 1), std::vector<sys_days>{ymd(2026, 4, 18)});
  const Recurrence plain = nth_weekday_rule(2, "tuesday", 0);
  EXPECT_EQ(fire_days(plain, utc_us(2026, 11, 30), 1), std::vector<sys_days>{ymd(2026, 12, 8)});
  EXPECT_EQ(fire_days(plain, utc_us(2026, 3, 31), 1), std::vector<sys_days>{ymd(2026, 4, 14)});
}

TEST(RecurrenceCalendarTest, LastFridayPlusFiveCrossesMonthAndYearEnd) {
  std::vector<sys_days> expected;
  for (int y = 2026; y <= 2030; ++y) {
    for (unsigned m = 1; m <= 12; ++m) {
      expected.push_back(nth_weekday_by_loop(year{y}, month{m}, Friday, -1) + days{5});
    }
  }
  const Recurrence r = nth_weekday_rule(-1, "FRI", 5);
  EXPECT_EQ(fire_days(r, utc_us(2025, 12, 31), 60), expected);
  // December 2027's last Friday is the 31st: it fires on 2028-01-05, and January 2028's own
  // occurrence (last Friday the 28th + 5) follows on 2028-02-02.
  EXPECT_EQ(fire_days(r, utc_us(2027, 12, 30), 2),
            (std::vector<sys_days>{ymd(2028, 1, 5), ymd(2028, 2, 2)}));
}

TEST(RecurrenceCalendarTest, Day31MeansLastDayInShortMonths) {
  std::vector<sys_days> expected;
  for (int y = 2026; y <= 2030; ++y) {
    for (unsigned m = 1; m <= 12; ++m) expected.push_back(last_day_by_loop(year{y}, month{m}));
  }
  Recurrence r = monthly_rule("2026-01-01");
  r.day_of_month = 31;
  const std::vector<sys_days> got = fire_days(r, utc_us(2025, 12, 31), 60);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(got.at(1), ymd(2026, 2, 28));
  EXPECT_EQ(got.at(3), ymd(2026, 4, 30));
}

TEST(RecurrenceCalendarTest, Feb29InLeapAndCommonYears) {
  Recurrence r = monthly_rule("2027-01-01");
  r.day_of_month = 29;
  r.interval = 12;
  r.start_date = "2027-02-01";  // every 12 months from February 2027
  EXPECT_EQ(fire_days(r, utc_us(2027, 1, 1), 3),
            (std::vector<sys_days>{ymd(2027, 2, 28), ymd(2028, 2, 29), ymd(2029, 2, 28)}));

  Recurrence once;
  once.time_zone = "UTC";
  once.start_date = "2028-02-29";
  EXPECT_EQ(fire_days(once, utc_us(2028, 1, 1), 5), std::vector<sys_days>{ymd(2028, 2, 29)});
  once.start_date = "2027-02-29";
  EXPECT_FALSE(validate(once).is_ok());
}

// "Patch Tuesday + 4" added on the Wednesday after Patch Tuesday fires that Saturday: the fire
// day counts, not the base day. Every month of 2026-2030.
TEST(RecurrenceCalendarTest, SecondTuesdayPlusFourAddedTheWednesdayAfterFiresThatSaturday) {
  for (int y = 2026; y <= 2030; ++y) {
    for (unsigned m = 1; m <= 12; ++m) {
      const sys_days tuesday = nth_weekday_by_loop(year{y}, month{m}, Tuesday, 2);
      const year_month_day wed{tuesday + days{1}};
      Recurrence r = nth_weekday_rule(2, "tue", 4);
      char start[16];
      std::snprintf(start, sizeof start, "%04d-%02u-%02u", int{wed.year()}, unsigned{wed.month()},
                    unsigned{wed.day()});
      r.start_date = start;
      r.time_of_day = "03:00";
      // Added at noon on that Wednesday.
      const std::int64_t added = sys_days{wed}.time_since_epoch().count() * kDayUs + kDayUs / 2;
      auto next = next_fire_after(r, added);
      ASSERT_TRUE(next.ok() && next->has_value()) << start;
      EXPECT_EQ(**next,
                (tuesday + days{4}).time_since_epoch().count() * kDayUs + 3 * testing::kHourUs)
          << start;
    }
  }
}

TEST(RecurrenceCalendarTest, DelayCountsFromTheBaseMonth) {
  // Start 2026-03-12: March's second Tuesday (10th) is before the start, but its fire day
  // (14th) is not, so the 14th is the first fire.
  Recurrence r = nth_weekday_rule(2, "tue", 4);
  r.start_date = "2026-03-12";
  EXPECT_EQ(fire_days(r, utc_us(2026, 1, 1), 2),
            (std::vector<sys_days>{ymd(2026, 3, 14), ymd(2026, 4, 18)}));
  r.start_date = "2026-03-14";  // the fire day itself
  EXPECT_EQ(fire_days(r, utc_us(2026, 1, 1), 1), std::vector<sys_days>{ymd(2026, 3, 14)});
  r.start_date = "2026-03-15";  // a fire day before the start never fires
  EXPECT_EQ(fire_days(r, utc_us(2026, 1, 1), 1), std::vector<sys_days>{ymd(2026, 4, 18)});
  // The base month may be before the start's month: December 2027's last Friday (31st) + 5
  // is the first fire of a rule started on 2028-01-01.
  Recurrence last_friday = nth_weekday_rule(-1, "fri", 5);
  last_friday.start_date = "2028-01-01";
  EXPECT_EQ(fire_days(last_friday, utc_us(2027, 1, 1), 2),
            (std::vector<sys_days>{ymd(2028, 1, 5), ymd(2028, 2, 2)}));
  // With an interval, months before the start stay on the start's grid: every 2 months from
  // March 2026 means January 2026 (31st + 31 = March 3) counts, February (28th + 31 = March 31)
  // does not; March's own occurrence is 31 March + 31 = 1 May.
  Recurrence every_other = monthly_rule("2026-03-01");
  every_other.day_of_month = 31;
  every_other.delay_days = 31;
  every_other.interval = 2;
  EXPECT_EQ(fire_days(every_other, utc_us(2026, 1, 1), 2),
            (std::vector<sys_days>{ymd(2026, 3, 3), ymd(2026, 5, 1)}));
  // An occurrence whose delay carries it past `after` still fires, however far back its base.
  Recurrence d31 = monthly_rule("2026-01-01");
  d31.day_of_month = 31;
  d31.delay_days = 31;  // January 31 + 31 = March 3
  EXPECT_EQ(fire_days(d31, utc_us(2026, 3, 2), 2),
            (std::vector<sys_days>{ymd(2026, 3, 3), ymd(2026, 3, 31)}));
}

TEST(RecurrenceCalendarTest, IntervalsAnchorOnStartDate) {
  Recurrence daily;
  daily.frequency = Frequency::kDaily;
  daily.start_date = "2026-01-30";
  daily.time_zone = "UTC";
  daily.interval = 3;
  EXPECT_EQ(fire_days(daily, utc_us(2026, 1, 1), 3),
            (std::vector<sys_days>{ymd(2026, 1, 30), ymd(2026, 2, 2), ymd(2026, 2, 5)}));
  EXPECT_EQ(fire_days(daily, utc_us(2026, 2, 3), 1), std::vector<sys_days>{ymd(2026, 2, 5)});

  // Every 2 weeks on Monday and Friday, from Wednesday 2026-01-07: that ISO week's Monday
  // (5th) is before the start, its Friday (9th) fires, then the week of the 19th.
  Recurrence weekly;
  weekly.frequency = Frequency::kWeekly;
  weekly.start_date = "2026-01-07";
  weekly.time_zone = "UTC";
  weekly.interval = 2;
  weekly.weekdays = {"mon", "fri"};
  EXPECT_EQ(fire_days(weekly, utc_us(2026, 1, 1), 4),
            (std::vector<sys_days>{ymd(2026, 1, 9), ymd(2026, 1, 19), ymd(2026, 1, 23),
                                   ymd(2026, 2, 2)}));

  // Every 3 months on the 15th from November 2026: Nov, Feb, May.
  Recurrence quarterly = monthly_rule("2026-11-20");
  quarterly.day_of_month = 15;
  quarterly.interval = 3;
  EXPECT_EQ(fire_days(quarterly, utc_us(2026, 1, 1), 2),
            (std::vector<sys_days>{ymd(2027, 2, 15), ymd(2027, 5, 15)}));
}

TEST(RecurrenceCalendarTest, OnceFiresOnceAndThenNever) {
  Recurrence once;
  once.start_date = "2026-06-01";
  once.time_of_day = "12:34";
  once.time_zone = "UTC";
  EXPECT_EQ(*next_fire_after(once, utc_us(2026, 6, 1, 12, 33)), utc_us(2026, 6, 1, 12, 34));
  EXPECT_EQ(*next_fire_after(once, utc_us(2026, 6, 1, 12, 34)), std::nullopt);
  EXPECT_EQ(next_fires(once, 0, 10)->size(), 1u);
}

TEST(RecurrenceCalendarTest, FarFutureIsAnErrorNotACrash) {
  Recurrence r = nth_weekday_rule(2, "tue", 4);
  Result<std::optional<std::int64_t>> next = next_fire_after(r, utc_us(9999, 12, 20));
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), Status::Code::kInvalidArgument);
  // Long before the start is fine: the first occurrence is the answer.
  EXPECT_EQ(*next_fire_after(r, INT64_MIN), utc_us(2026, 1, 17));
}

}  // namespace
}  // namespace distsync
