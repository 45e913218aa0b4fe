#include <gtest/gtest.h>
#include <cereal/archives/json.hpp>

#include <sstream>

#include "projections/calendar/recurrence.h"
#include "tests/calendar/test_time.h"

namespace distsync {
namespace {

using testing::utc_us;

Recurrence patch_tuesday_plus_4() {
  Recurrence r;
  r.frequency = Frequency::kMonthly;
  r.start_date = "2026-01-01";
  r.time_of_day = "03:00";
  r.time_zone = "Europe/Berlin";
  r.monthly_mode = MonthlyMode::kNthWeekday;
  r.nth = 2;
  r.weekday = "tue";
  r.delay_days = 4;
  return r;
}

// The message of validate(r), or "ok".
std::string error_of(const Recurrence& r) {
  Status s = validate(r);
  if (!s.is_ok()) {
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.to_string();
  }
  return s.is_ok() ? "ok" : s.message();
}

TEST(RecurrenceValidateTest, AcceptsWellFormedRules) {
  EXPECT_EQ(error_of(patch_tuesday_plus_4()), "ok");
  Recurrence weekly;
  weekly.frequency = Frequency::kWeekly;
  weekly.start_date = "2026-01-01";
  weekly.time_zone = "UTC";
  weekly.weekdays = {"Monday", "FRI", "sun"};
  EXPECT_EQ(error_of(weekly), "ok");
}

TEST(RecurrenceValidateTest, NamesEachBadField) {
  Recurrence r = patch_tuesday_plus_4();
  r.nth = 5;
  EXPECT_EQ(error_of(r), "nth weekday 5 is out of range: use 1-4, or -1 for the last");
  r.nth = 0;
  EXPECT_NE(error_of(r), "ok");
  r.nth = -1;
  EXPECT_EQ(error_of(r), "ok");

  r = patch_tuesday_plus_4();
  r.delay_days = 32;
  EXPECT_EQ(error_of(r), "delay of 32 days is out of range: use 0-31");
  r.delay_days = 31;
  EXPECT_EQ(error_of(r), "ok");

  r = patch_tuesday_plus_4();
  r.weekday = "tues";
  EXPECT_EQ(error_of(r), "unknown weekday 'tues': use mon, tue, wed, thu, fri, sat or sun");
  r.weekday = "";
  EXPECT_EQ(error_of(r), "monthly nth-weekday schedule needs a weekday, e.g. tue");

  r = patch_tuesday_plus_4();
  r.time_zone = "Europe/Atlantis";
  EXPECT_EQ(error_of(r).rfind("unknown time zone 'Europe/Atlantis'", 0), 0u) << error_of(r);
  r.time_zone = "";
  EXPECT_NE(error_of(r), "ok");

  r = patch_tuesday_plus_4();
  r.time_of_day = "25:00";
  EXPECT_EQ(error_of(r), "time of day '25:00' is out of range: hours are 00-23");

  r = patch_tuesday_plus_4();
  r.interval = 0;
  EXPECT_EQ(error_of(r), "interval 0 is invalid: it must be at least 1");
  r.interval = kMaxInterval + 1;
  EXPECT_NE(error_of(r), "ok");

  r = patch_tuesday_plus_4();
  r.monthly_mode = MonthlyMode::kDayOfMonth;
  r.day_of_month = 32;
  EXPECT_NE(error_of(r).find("day of month 32 is out of range"), std::string::npos);
  r.day_of_month = 0;
  EXPECT_NE(error_of(r), "ok");
  r.day_of_month = 31;
  EXPECT_EQ(error_of(r), "ok");

  r.start_date = "";
  EXPECT_EQ(error_of(r), "start date is required (YYYY-MM-DD)");
}

TEST(RecurrenceValidateTest, RefusesEmptyWeekdaysAndMisplacedDelay) {
  Recurrence weekly;
  weekly.frequency = Frequency::kWeekly;
  weekly.start_date = "2026-01-01";
  weekly.time_zone = "UTC";
  EXPECT_EQ(error_of(weekly), "weekly schedule needs at least one weekday, e.g. mon");
  weekly.weekdays = {"mon", "someday"};
  EXPECT_EQ(error_of(weekly).rfind("unknown weekday 'someday'", 0), 0u);

  Recurrence daily;
  daily.frequency = Frequency::kDaily;
  daily.start_date = "2026-01-01";
  daily.time_zone = "UTC";
  daily.delay_days = 4;
  EXPECT_EQ(error_of(daily), "a delay of 4 days is only allowed on monthly schedules");
}

TEST(RecurrenceValidateTest, OnceNeedsAnExistingDateInTheFuture) {
  Recurrence once;
  once.start_date = "2026-02-30";
  once.time_of_day = "03:00";
  once.time_zone = "Europe/Berlin";
  EXPECT_EQ(error_of(once), "once date '2026-02-30' does not exist: 2026-02 has 28 days");

  once.start_date = "2026-02-28";
  EXPECT_TRUE(validate_at(once, utc_us(2026, 2, 28, 1, 59)).is_ok());
  EXPECT_TRUE(validate_at(once, utc_us(2026, 2, 28, 2, 0)).is_ok());  // fires right now
  Status past = validate_at(once, utc_us(2026, 2, 28, 2, 1));
  ASSERT_FALSE(past.is_ok());
  EXPECT_EQ(past.message(),
            "once schedule at 2026-02-28T03:00:00+01:00 is in the past (now is "
            "2026-02-28T02:01:00Z): pick a later date or time");
  // Only once-schedules can be in the past: a repeating rule just skips ahead.
  Recurrence monthly = patch_tuesday_plus_4();
  EXPECT_TRUE(validate_at(monthly, utc_us(2031, 1, 1)).is_ok());
}

TEST(RecurrenceValidateTest, NextFireOfInvalidRuleIsAnError) {
  Recurrence r = patch_tuesday_plus_4();
  r.nth = 5;
  Result<std::optional<std::int64_t>> next = next_fire_after(r, 0);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(next_fires(r, 0, 3).ok());
}

TEST(RecurrenceValidateTest, UnknownEnumValuesAreRefused) {
  Recurrence r = patch_tuesday_plus_4();
  r.frequency = static_cast<Frequency>(42);
  EXPECT_EQ(error_of(r), "unknown frequency 42: use once, daily, weekly or monthly");
  EXPECT_FALSE(parse_frequency("yearly").ok());
  EXPECT_EQ(*parse_frequency("weekly"), Frequency::kWeekly);
  EXPECT_EQ(*parse_monthly_mode("nth_weekday"), MonthlyMode::kNthWeekday);
}

TEST(RecurrenceSerializeTest, JsonUsesReadableNamesAndRoundTrips) {
  const Recurrence in = patch_tuesday_plus_4();
  std::stringstream json;
  {
    cereal::JSONOutputArchive ar(json);
    ar(cereal::make_nvp("recurrence", in));
  }
  const std::string text = json.str();
  EXPECT_NE(text.find("\"frequency\": \"monthly\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"monthly_mode\": \"nth_weekday\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"delay_days\": 4"), std::string::npos) << text;
  EXPECT_NE(text.find("\"cereal_class_version\": 1"), std::string::npos) << text;

  Recurrence out;
  {
    std::istringstream is(text);
    cereal::JSONInputArchive ar(is);
    ar(cereal::make_nvp("recurrence", out));
  }
  EXPECT_EQ(out, in);
}

TEST(RecurrenceSerializeTest, UnknownFrequencyNameFailsToLoad) {
  std::stringstream json;
  {
    cereal::JSONOutputArchive ar(json);
    ar(cereal::make_nvp("recurrence", patch_tuesday_plus_4()));
  }
  std::string text = json.str();
  const std::string from = "\"monthly\"";
  text.replace(text.find(from), from.size(), "\"fortnightly\"");
  Recurrence out;
  std::istringstream is(text);
  cereal::JSONInputArchive ar(is);
  EXPECT_THROW(ar(cereal::make_nvp("recurrence", out)), cereal::Exception);
}

}  // namespace
}  // namespace distsync
