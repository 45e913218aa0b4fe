// Recurrence: when a schedule fires, as plain data carried by schedule events.
//
// The algorithms (validation, next fire time, time zones) live in projections/calendar; this
// header only defines the record, its names and its one cereal schema. Value type.
#pragma once

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"
#include "events/schema.h"

namespace distsync {

enum class Frequency { kOnce, kDaily, kWeekly, kMonthly };
enum class MonthlyMode { kDayOfMonth, kNthWeekday };

// Stable lower-case names used in JSON and on the command line:
// "once" "daily" "weekly" "monthly"; "day_of_month" "nth_weekday".
std::string_view frequency_name(Frequency f);
Result<Frequency> parse_frequency(std::string_view name);
std::string_view monthly_mode_name(MonthlyMode m);
Result<MonthlyMode> parse_monthly_mode(std::string_view name);

// Upper bound on `interval`, so that the next fire is always within a few centuries.
inline constexpr std::uint32_t kMaxInterval = 1000;

struct Recurrence {
  Frequency frequency = Frequency::kOnce;
  std::string start_date;             // "YYYY-MM-DD": the once date; first eligible day otherwise
  std::string time_of_day = "00:00";  // "HH:MM", local wall time in `time_zone`
  std::string time_zone;              // IANA name, e.g. "Europe/Berlin"
  std::uint32_t interval = 1;         // every N days / weeks / months; 1..kMaxInterval
  std::vector<std::string> weekdays;  // weekly: "mon".."sun" (or full names, any case)
  MonthlyMode monthly_mode = MonthlyMode::kDayOfMonth;
  std::uint32_t day_of_month = 1;  // 1..31; past the month's end => the month's last day
  std::int32_t nth = 1;            // 1..4, or -1 for "last"
  std::string weekday;             // kNthWeekday: "mon".."sun"
  std::uint32_t delay_days = 0;    // 0..31, monthly only; may carry into the next month/year

  bool operator==(const Recurrence&) const = default;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<Recurrence>(version);
    ar(cereal::make_nvp("frequency", frequency), cereal::make_nvp("start_date", start_date),
       cereal::make_nvp("time_of_day", time_of_day), cereal::make_nvp("time_zone", time_zone),
       cereal::make_nvp("interval", interval), cereal::make_nvp("weekdays", weekdays),
       cereal::make_nvp("monthly_mode", monthly_mode),
       cereal::make_nvp("day_of_month", day_of_month), cereal::make_nvp("nth", nth),
       cereal::make_nvp("weekday", weekday), cereal::make_nvp("delay_days", delay_days));
  }
};

// Cereal stores the enums as their names. Loading an unknown name throws cereal::Exception,
// like any other malformed archive; whoever decodes an archive catches cereal's exceptions.
template <class Archive>
std::string save_minimal(const Archive&, const Frequency& f) {
  return std::string(frequency_name(f));
}
template <class Archive>
void load_minimal(const Archive&, Frequency& f, const std::string& name) {
  Result<Frequency> r = parse_frequency(name);
  if (!r.ok()) throw cereal::Exception(r.status().message());
  f = *r;
}
template <class Archive>
std::string save_minimal(const Archive&, const MonthlyMode& m) {
  return std::string(monthly_mode_name(m));
}
template <class Archive>
void load_minimal(const Archive&, MonthlyMode& m, const std::string& name) {
  Result<MonthlyMode> r = parse_monthly_mode(name);
  if (!r.ok()) throw cereal::Exception(r.status().message());
  m = *r;
}

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::Recurrence, 1);
