#include "projections/calendar/recurrence.h"

#include <algorithm>
#include <exception>
#include <string>

#include "projections/calendar/civil_time.h"
#include "projections/calendar/iso_time.h"
#include "projections/calendar/occurrence_days.h"
#include "projections/calendar/time_zone.h"

namespace distsync {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::uint32_t kMaxDelayDays = 31;

// A validated Recurrence in the form the computation wants.
struct CompiledRule {
  OccurrenceDays days;
  int minutes = 0;  // time of day, minutes after midnight
  TimeZone zone;

  // The UTC fire time (microseconds) for an occurrence day.
  std::int64_t fire_on(boost::gregorian::date day) const {
    return zone.local_to_utc(epoch_days(day) * 86400 + minutes * 60) * kMicrosPerSecond;
  }
};

Status check_monthly(const Recurrence& r, OccurrenceDays* days) {
  days->monthly_mode = r.monthly_mode;
  if (r.monthly_mode == MonthlyMode::kDayOfMonth) {
    if (r.day_of_month < 1 || r.day_of_month > 31) {
      return Status::invalid_argument("day of month " + std::to_string(r.day_of_month) +
                                      " is out of range: use 1-31 (31 means the last day of "
                                      "shorter months)");
    }
    days->day_of_month = static_cast<int>(r.day_of_month);
  } else if (r.monthly_mode == MonthlyMode::kNthWeekday) {
    if (r.nth != -1 && (r.nth < 1 || r.nth > 4)) {
      return Status::invalid_argument("nth weekday " + std::to_string(r.nth) +
                                      " is out of range: use 1-4, or -1 for the last");
    }
    if (r.weekday.empty()) {
      return Status::invalid_argument("monthly nth-weekday schedule needs a weekday, e.g. tue");
    }
    Result<int> wd = parse_weekday(r.weekday);
    if (!wd.ok()) return wd.status();
    days->nth = r.nth;
    days->weekday = *wd;
  } else {
    return Status::invalid_argument("unknown monthly mode " +
                                    std::to_string(static_cast<int>(r.monthly_mode)));
  }
  if (r.delay_days > kMaxDelayDays) {
    return Status::invalid_argument("delay of " + std::to_string(r.delay_days) +
                                    " days is out of range: use 0-31");
  }
  days->delay_days = static_cast<int>(r.delay_days);
  return Status::ok();
}

Result<CompiledRule> compile(const Recurrence& r) {
  OccurrenceDays days;
  days.frequency = r.frequency;
  switch (r.frequency) {
    case Frequency::kOnce:
    case Frequency::kDaily:
    case Frequency::kWeekly:
    case Frequency::kMonthly:
      break;
    default:
      return Status::invalid_argument("unknown frequency " +
                                      std::to_string(static_cast<int>(r.frequency)) +
                                      ": use once, daily, weekly or monthly");
  }
  const std::string_view date_field = r.frequency == Frequency::kOnce ? "once date" : "start date";
  if (r.start_date.empty()) {
    return Status::invalid_argument(std::string(date_field) + " is required (YYYY-MM-DD)");
  }
  Result<boost::gregorian::date> start = parse_civil_date(r.start_date, date_field);
  if (!start.ok()) return start.status();
  days.start = *start;

  Result<int> minutes = parse_time_of_day(r.time_of_day);
  if (!minutes.ok()) return minutes.status();

  if (r.frequency != Frequency::kOnce) {
    if (r.interval == 0) {
      return Status::invalid_argument("interval 0 is invalid: it must be at least 1");
    }
    if (r.interval > kMaxInterval) {
      return Status::invalid_argument("interval " + std::to_string(r.interval) +
                                      " is too large: at most " + std::to_string(kMaxInterval));
    }
    days.interval = r.interval;
  }
  if (r.frequency != Frequency::kMonthly && r.delay_days != 0) {
    return Status::invalid_argument("a delay of " + std::to_string(r.delay_days) +
                                    " days is only allowed on monthly schedules");
  }
  if (r.frequency == Frequency::kWeekly) {
    if (r.weekdays.empty()) {
      return Status::invalid_argument("weekly schedule needs at least one weekday, e.g. mon");
    }
    for (const std::string& name : r.weekdays) {
      Result<int> wd = parse_weekday(name);
      if (!wd.ok()) return wd.status();
      days.weekdays[*wd] = true;
    }
  }
  if (r.frequency == Frequency::kMonthly) {
    Status s = check_monthly(r, &days);
    if (!s.is_ok()) return s;
  }

  // The zone last: it is the only check that touches the time zone database.
  Result<TimeZone> zone = TimeZone::locate(r.time_zone);
  if (!zone.ok()) return zone.status();
  return CompiledRule{days, *minutes, *zone};
}

Status out_of_range() {
  return Status::invalid_argument("the next fire time lies outside years 1400-9999");
}

}  // namespace

Status validate(const Recurrence& r) {
  Result<CompiledRule> c = compile(r);
  return c.ok() ? Status::ok() : c.status();
}

Status validate_at(const Recurrence& r, std::int64_t now_utc_us) {
  Result<CompiledRule> c = compile(r);
  if (!c.ok()) return c.status();
  if (r.frequency != Frequency::kOnce) return Status::ok();
  const std::int64_t fire = c->fire_on(c->days.start);
  if (fire < now_utc_us) {
    Result<std::string> local = format_local_iso(fire, r.time_zone);
    return Status::invalid_argument("once schedule at " + (local.ok() ? *local : r.start_date) +
                                    " is in the past (now is " + format_utc_iso(now_utc_us) +
                                    "): pick a later date or time");
  }
  return Status::ok();
}

Result<std::optional<std::int64_t>> next_fire_after(const Recurrence& r,
                                                    std::int64_t after_utc_us) {
  Result<CompiledRule> compiled = compile(r);
  if (!compiled.ok()) return compiled.status();
  const CompiledRule& c = *compiled;
  using Answer = std::optional<std::int64_t>;
  try {
    if (r.frequency == Frequency::kOnce) {
      const std::int64_t fire = c.fire_on(c.days.start);
      return fire > after_utc_us ? Answer(fire) : Answer();
    }
    // Fire times never decrease from one occurrence day to the next, and an occurrence on a
    // day before `after`'s local date has fired by `after` (its wall time was already shown,
    // or skipped in a gap that ended). So walk forward from `after`'s local date.
    const std::int64_t start_day = epoch_days(c.days.start);
    const std::int64_t after_s = floor_div(after_utc_us, kMicrosPerSecond);
    std::int64_t from_day = start_day;
    if (after_s > (start_day - 1) * 86400) {  // else `after` is before the start
      from_day = std::max(start_day, floor_div(c.zone.utc_to_local(after_s), 86400));
    }
    std::optional<boost::gregorian::date> day =
        c.days.first_on_or_after(date_from_epoch_days(from_day));
    while (day) {
      const std::int64_t fire = c.fire_on(*day);
      if (fire > after_utc_us) return Answer(fire);
      day = c.days.first_on_or_after(date_from_epoch_days(epoch_days(*day) + 1));
    }
    return Answer();
  } catch (const std::exception&) {  // Boost's range ends in 9999
    return out_of_range();
  }
}

Result<std::vector<std::int64_t>> next_fires(const Recurrence& r, std::int64_t after_utc_us,
                                             std::size_t n) {
  std::vector<std::int64_t> out;
  std::int64_t t = after_utc_us;
  while (out.size() < n) {
    Result<std::optional<std::int64_t>> next = next_fire_after(r, t);
    if (!next.ok()) return next.status();
    if (!next->has_value()) break;
    t = **next;
    out.push_back(t);
  }
  return out;
}

}  // namespace distsync
