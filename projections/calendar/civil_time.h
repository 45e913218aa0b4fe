// Civil (wall-clock) dates and times: strict parsers for the date, time-of-day and weekday
// fields of schedules and CLI input, and conversions between Boost.Date_Time dates and day
// counts from 1970-01-01. Internal to distsync_calendar; the public surface is recurrence.h
// and iso_time.h. Every parser returns invalid_argument with a one-line message naming the
// field and the fix. Pure functions; thread-safe.
#pragma once

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include <cstdint>
#include <string_view>

#include "events/result.h"

namespace distsync {

// A wall-clock time of day, to the microsecond.
struct ClockTime {
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::int64_t micros = 0;  // 0..999999
  std::int64_t seconds_of_day() const { return hour * 3600 + minute * 60 + second; }
};

// "YYYY-MM-DD" naming a day that exists, years 1400-9999 (Boost's range). `what` names the
// field in the message ("start date").
Result<boost::gregorian::date> parse_civil_date(std::string_view text, std::string_view what);

// "HH:MM" (or "H:MM"), 00:00-23:59, as minutes after midnight.
Result<int> parse_time_of_day(std::string_view text);

// "HH:MM", "HH:MM:SS" or "HH:MM:SS.fraction" (fraction up to 9 digits, kept to microseconds).
Result<ClockTime> parse_clock_time(std::string_view text);

// "mon".."sun" or "monday".."sunday", any case, as Boost's weekday number (0 = Sunday).
Result<int> parse_weekday(std::string_view name);
// "mon".."sun" for Boost's weekday number.
std::string_view weekday_short_name(int weekday);

// Days between 1970-01-01 and `d` (negative before).
std::int64_t epoch_days(boost::gregorian::date d);
// Throws std::out_of_range outside years 1400-9999; public entry points catch it.
boost::gregorian::date date_from_epoch_days(std::int64_t days);

// Floor division and its remainder (the remainder has the sign of `b`).
inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
inline std::int64_t floor_mod(std::int64_t a, std::int64_t b) { return a - floor_div(a, b) * b; }

}  // namespace distsync
