#include "events/recurrence.h"

namespace distsync {

std::string frequency_name(Frequency f) {
  switch (f) {
    case Frequency::kOnce: return "once";
    case Frequency::kDaily: return "daily";
    case Frequency::kWeekly: return "weekly";
    case Frequency::kMonthly: return "monthly";
  }
  return "once";
}

bool parse_frequency(const std::string& s, Frequency* out) {
  for (Frequency f : {Frequency::kOnce, Frequency::kDaily, Frequency::kWeekly, Frequency::kMonthly}) {
    if (frequency_name(f) == s) {
      *out = f;
      return true;
    }
  }
  return false;
}

std::string monthly_mode_name(MonthlyMode m) {
  return m == MonthlyMode::kDayOfMonth ? "day" : "nth_weekday";
}

bool parse_monthly_mode(const std::string& s, MonthlyMode* out) {
  if (s == "day") *out = MonthlyMode::kDayOfMonth;
  else if (s == "nth_weekday") *out = MonthlyMode::kNthWeekday;
  else return false;
  return true;
}

}  // namespace distsync
