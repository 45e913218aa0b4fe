// OccurrenceDays: which calendar days a recurrence fires on, ignoring time of day and zone.
// Internal to distsync_calendar (recurrence.cpp builds one from a validated Recurrence).
//
// Anchoring: daily counts days from `start`; weekly counts ISO (Monday-based) weeks from the
// week holding `start`; monthly counts months from `start`'s month. No day before `start`
// occurs. A monthly occurrence is found in its base month and the delay then moves it forward,
// possibly into later months; it occurs when that delayed day is on or after `start`, even if
// its base day (or base month) is before it.
// Pure value; thread-safe.
#pragma once

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include <array>
#include <cstdint>
#include <optional>

#include "projections/calendar/recurrence.h"

namespace distsync {

struct OccurrenceDays {
  Frequency frequency = Frequency::kOnce;
  boost::gregorian::date start;
  std::int64_t interval = 1;          // >= 1
  std::array<bool, 7> weekdays = {};  // weekly; index is Boost's weekday number, 0 = Sunday
  MonthlyMode monthly_mode = MonthlyMode::kDayOfMonth;
  int day_of_month = 1;  // 1..31
  int nth = 1;           // 1..4 or -1 (last)
  int weekday = 0;       // kNthWeekday; 0 = Sunday
  int delay_days = 0;    // 0..31

  // The first occurrence day on or after `from`, or nullopt when none remains (once).
  // Throws std::out_of_range past year 9999 (see civil_time.h).
  std::optional<boost::gregorian::date> first_on_or_after(boost::gregorian::date from) const;

  // The base day of the month `year`-`month` (1..12): the clamped day of month, or the nth
  // (or last) weekday. The delay is not added.
  boost::gregorian::date base_day(int year, int month) const;
};

}  // namespace distsync
