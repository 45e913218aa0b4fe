#include "projections/calendar/occurrence_days.h"

#include <algorithm>

#include "projections/calendar/civil_time.h"

namespace distsync {
namespace {

namespace greg = boost::gregorian;

// Days since the Monday that opens `d`'s ISO week.
int days_since_monday(greg::date d) { return (d.day_of_week().as_number() + 6) % 7; }

std::int64_t month_index(greg::date d) {
  return static_cast<std::int64_t>(d.year()) * 12 + (d.month() - 1);
}

}  // namespace

greg::date OccurrenceDays::base_day(int year, int month) const {
  if (monthly_mode == MonthlyMode::kDayOfMonth) {
    const int last = greg::gregorian_calendar::end_of_month_day(year, month);
    return greg::date(year, month, std::min(day_of_month, last));
  }
  const greg::greg_weekday wd(static_cast<unsigned short>(weekday));
  const greg::greg_month m(static_cast<unsigned short>(month));
  if (nth == -1) return greg::last_day_of_the_week_in_month(wd, m).get_date(year);
  using Nth = greg::nth_day_of_the_week_in_month;
  return Nth(static_cast<Nth::week_num>(nth), wd, m).get_date(year);
}

std::optional<greg::date> OccurrenceDays::first_on_or_after(greg::date from) const {
  switch (frequency) {
    case Frequency::kOnce:
      if (start >= from) return start;
      return std::nullopt;

    case Frequency::kDaily: {
      const greg::date d = std::max(from, start);
      const std::int64_t off = floor_mod((d - start).days(), interval);
      return off == 0 ? d : date_from_epoch_days(epoch_days(d) + interval - off);
    }

    case Frequency::kWeekly: {
      const std::int64_t week0 = epoch_days(start) - days_since_monday(start);
      std::int64_t day = epoch_days(std::max(from, start));
      // Each pass either finds a day in an eligible week or jumps to the next eligible Monday;
      // with at least one weekday set, at most two eligible weeks are visited.
      for (;;) {
        const std::int64_t week = floor_div(day - week0, 7);
        const std::int64_t off = floor_mod(week, interval);
        if (off != 0) {
          day = week0 + (week + interval - off) * 7;
          continue;
        }
        const std::int64_t week_end = week0 + week * 7 + 6;
        for (; day <= week_end; ++day) {
          const greg::date d = date_from_epoch_days(day);
          if (weekdays[d.day_of_week().as_number()] && d >= start) return d;
        }
      }
    }

    case Frequency::kMonthly: {
      // A delay of up to 31 days lets an occurrence from up to two months back land on `from`
      // (or on `start`): walk the eligible months from there. Months before start's month are
      // on the same grid (start's month is month 0, every `interval`-th month is eligible).
      const std::int64_t first = month_index(start);
      std::int64_t m = month_index(std::max(from, start)) - 2;
      const std::int64_t off = floor_mod(m - first, interval);
      if (off != 0) m += interval - off;
      for (;; m += interval) {
        const int year = static_cast<int>(floor_div(m, 12));
        if (year > 9999) throw std::out_of_range("date outside years 1400-9999");
        if (year < 1400) continue;  // Boost's calendar starts in 1400; start is never before
        const greg::date base = base_day(year, static_cast<int>(floor_mod(m, 12)) + 1);
        const greg::date d = date_from_epoch_days(epoch_days(base) + delay_days);
        // The fire day counts, not the base day: "second Tuesday + 4" added on the Wednesday
        // after Patch Tuesday fires that Saturday.
        if (d >= from && d >= start) return d;
      }
    }
  }
  return std::nullopt;
}

}  // namespace distsync
