#include "events/recurrence.h"

namespace distsync {

std::string_view frequency_name(Frequency f) {
  switch (f) {
    case Frequency::kOnce:
      return "once";
    case Frequency::kDaily:
      return "daily";
    case Frequency::kWeekly:
      return "weekly";
    case Frequency::kMonthly:
      return "monthly";
  }
  return "unknown";
}

Result<Frequency> parse_frequency(std::string_view name) {
  for (Frequency f :
       {Frequency::kOnce, Frequency::kDaily, Frequency::kWeekly, Frequency::kMonthly}) {
    if (frequency_name(f) == name) return f;
  }
  return Status::invalid_argument("unknown frequency '" + std::string(name) +
                                  "': use once, daily, weekly or monthly");
}

std::string_view monthly_mode_name(MonthlyMode m) {
  switch (m) {
    case MonthlyMode::kDayOfMonth:
      return "day_of_month";
    case MonthlyMode::kNthWeekday:
      return "nth_weekday";
  }
  return "unknown";
}

Result<MonthlyMode> parse_monthly_mode(std::string_view name) {
  for (MonthlyMode m : {MonthlyMode::kDayOfMonth, MonthlyMode::kNthWeekday}) {
    if (monthly_mode_name(m) == name) return m;
  }
  return Status::invalid_argument("unknown monthly mode '" + std::string(name) +
                                  "': use day_of_month or nth_weekday");
}

}  // namespace distsync
