#include "projections/calendar/civil_time.h"

#include <gtest/gtest.h>

namespace distsync {
namespace {

TEST(CivilTimeTest, ParsesExistingDates) {
  Result<boost::gregorian::date> d = parse_civil_date("2028-02-29", "date");
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  EXPECT_EQ(d->year(), 2028);
  EXPECT_EQ(d->month(), 2);
  EXPECT_EQ(d->day(), 29);
}

TEST(CivilTimeTest, RefusesDaysPastMonthEnd) {
  Result<boost::gregorian::date> feb30 = parse_civil_date("2026-02-30", "once date");
  ASSERT_FALSE(feb30.ok());
  EXPECT_EQ(feb30.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(feb30.status().message(), "once date '2026-02-30' does not exist: 2026-02 has 28 days");
  EXPECT_FALSE(parse_civil_date("2027-02-29", "date").ok());  // not a leap year
  EXPECT_FALSE(parse_civil_date("2026-04-31", "date").ok());
  EXPECT_TRUE(parse_civil_date("2000-02-29", "date").ok());   // divisible by 400
  EXPECT_FALSE(parse_civil_date("2100-02-29", "date").ok());  // divisible by 100 only
}

TEST(CivilTimeTest, RefusesMalformedDates) {
  for (const char* bad : {"", "2026-2-03", "2026/02/03", "26-02-03", "2026-02-03x", "2026-13-01",
                          "2026-00-10", "2026-01-00", "abcd-ef-gh", "0999-01-01"}) {
    Result<boost::gregorian::date> d = parse_civil_date(bad, "date");
    EXPECT_FALSE(d.ok()) << bad;
    if (!d.ok()) {
      EXPECT_NE(d.status().message().find(bad), std::string::npos) << bad;
    }
  }
}

TEST(CivilTimeTest, ParsesTimeOfDay) {
  EXPECT_EQ(*parse_time_of_day("00:00"), 0);
  EXPECT_EQ(*parse_time_of_day("03:07"), 187);
  EXPECT_EQ(*parse_time_of_day("3:07"), 187);
  EXPECT_EQ(*parse_time_of_day("23:59"), 23 * 60 + 59);
}

TEST(CivilTimeTest, RefusesBadTimeOfDay) {
  Result<int> t = parse_time_of_day("25:00");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "time of day '25:00' is out of range: hours are 00-23");
  EXPECT_FALSE(parse_time_of_day("24:00").ok());
  EXPECT_FALSE(parse_time_of_day("12:60").ok());
  EXPECT_FALSE(parse_time_of_day("12").ok());
  EXPECT_FALSE(parse_time_of_day("12:5").ok());
  EXPECT_FALSE(parse_time_of_day("12:00:00").ok());
  EXPECT_FALSE(parse_time_of_day("-1:00").ok());
  EXPECT_FALSE(parse_time_of_day("").ok());
}

TEST(CivilTimeTest, ParsesClockTimeWithFraction) {
  Result<ClockTime> t = parse_clock_time("13:14:15.25");
  ASSERT_TRUE(t.ok()) << t.status().to_string();
  EXPECT_EQ(t->seconds_of_day(), 13 * 3600 + 14 * 60 + 15);
  EXPECT_EQ(t->micros, 250000);
  EXPECT_EQ(parse_clock_time("00:00:00.123456789")->micros, 123456);
  EXPECT_FALSE(parse_clock_time("00:00:60").ok());
  EXPECT_FALSE(parse_clock_time("00:00:00.").ok());
  EXPECT_FALSE(parse_clock_time("00:00:0a").ok());
}

TEST(CivilTimeTest, ParsesWeekdaysInAnyCase) {
  EXPECT_EQ(*parse_weekday("sun"), 0);
  EXPECT_EQ(*parse_weekday("Mon"), 1);
  EXPECT_EQ(*parse_weekday("TUESDAY"), 2);
  EXPECT_EQ(*parse_weekday("saturday"), 6);
  Result<int> bad = parse_weekday("tues");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "unknown weekday 'tues': use mon, tue, wed, thu, fri, sat or sun");
  EXPECT_EQ(weekday_short_name(3), "wed");
}

TEST(CivilTimeTest, EpochDaysRoundTrip) {
  const boost::gregorian::date d(2026, 12, 8);
  EXPECT_EQ(epoch_days(boost::gregorian::date(1970, 1, 1)), 0);
  EXPECT_EQ(epoch_days(boost::gregorian::date(1969, 12, 31)), -1);
  EXPECT_EQ(date_from_epoch_days(epoch_days(d)), d);
  EXPECT_THROW(date_from_epoch_days(10'000'000), std::out_of_range);
  EXPECT_EQ(floor_div(-1, 7), -1);
  EXPECT_EQ(floor_mod(-1, 7), 6);
}

}  // namespace
}  // namespace distsync
