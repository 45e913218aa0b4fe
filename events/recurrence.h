// Recurrence: when a schedule fires, as plain data carried by schedule events.
//
// The algorithms (validation, next fire time, time zones) live in projections/calendar; this
// header only defines the record and its one cereal schema. Value type, thread-compatible.
#pragma once

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "events/schema.h"

namespace distsync {

enum class Frequency { kOnce, kDaily, kWeekly, kMonthly };
enum class MonthlyMode { kDayOfMonth, kNthWeekday };

std::string frequency_name(Frequency f);              // "once", "daily", "weekly", "monthly"
bool parse_frequency(const std::string& s, Frequency* out);
std::string monthly_mode_name(MonthlyMode m);         // "day", "nth_weekday"
bool parse_monthly_mode(const std::string& s, MonthlyMode* out);

struct Recurrence {
  Frequency frequency = Frequency::kOnce;
  std::string start_date;             // "YYYY-MM-DD": the once date; first eligible day otherwise
  std::string time_of_day = "00:00";  // "HH:MM", local wall time in time_zone
  std::string time_zone;              // IANA name, e.g. "Europe/Berlin"
  std::uint32_t interval = 1;         // every N days / weeks / months
  std::vector<std::string> weekdays;  // weekly: "mon".."sun"
  MonthlyMode monthly_mode = MonthlyMode::kDayOfMonth;
  std::uint32_t day_of_month = 1;     // 1..31; past the month's end means its last day
  std::int32_t nth = 1;               // 1..4, or -1 for "last"
  std::string weekday;                // for kNthWeekday
  std::uint32_t delay_days = 0;       // 0..31, monthly only

  bool operator==(const Recurrence&) const = default;

  template <class Archive>
  void save(Archive& ar, std::uint32_t const version) const {
    require_known_version<Recurrence>(version);
    std::string freq = frequency_name(frequency), mode = monthly_mode_name(monthly_mode);
    ar(cereal::make_nvp("frequency", freq), CEREAL_NVP(start_date), CEREAL_NVP(time_of_day),
       CEREAL_NVP(time_zone), CEREAL_NVP(interval), CEREAL_NVP(weekdays),
       cereal::make_nvp("monthly_mode", mode), CEREAL_NVP(day_of_month), CEREAL_NVP(nth),
       CEREAL_NVP(weekday), CEREAL_NVP(delay_days));
  }
  template <class Archive>
  void load(Archive& ar, std::uint32_t const version) {
    require_known_version<Recurrence>(version);
    std::string freq, mode;
    ar(cereal::make_nvp("frequency", freq), CEREAL_NVP(start_date), CEREAL_NVP(time_of_day),
       CEREAL_NVP(time_zone), CEREAL_NVP(interval), CEREAL_NVP(weekdays),
       cereal::make_nvp("monthly_mode", mode), CEREAL_NVP(day_of_month), CEREAL_NVP(nth),
       CEREAL_NVP(weekday), CEREAL_NVP(delay_days));
    if (!parse_frequency(freq, &frequency)) throw cereal::Exception("unknown frequency '" + freq + "'");
    if (!parse_monthly_mode(mode, &monthly_mode))
      throw cereal::Exception("unknown monthly mode '" + mode + "'");
  }
};

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::Recurrence, 1);
