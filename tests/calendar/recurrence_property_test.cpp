// Property test: next_fire_after against a brute-force reference that walks UTC minute by
// minute, converts each instant to local wall time, and fires when the wall clock first
// reaches an occurrence's wall time. Which days occur is decided here with std::chrono
// calendar types, independently of the Boost code under test. Random rules, fixed seed.
#include <date/tz.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "projections/calendar/iso_time.h"
#include "projections/calendar/recurrence.h"
#include "tests/calendar/test_time.h"

namespace distsync {
namespace {

namespace sc = std::chrono;
using testing::kDayUs;
using testing::kMinuteUs;

constexpr std::int64_t kMinuteS = 60;

const char* const kZones[] = {
    "America/New_York", "Europe/Berlin",      "Australia/Lord_Howe", "America/St_Johns",
    "Pacific/Chatham",  "America/Santiago",   "Asia/Kolkata",        "UTC",
    "Europe/London",    "Australia/Adelaide", "America/Havana"};
const char* const kWeekdays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

sc::sys_days parse_day(const std::string& s) {
  return sc::sys_days{sc::year{std::stoi(s.substr(0, 4))} /
                      sc::month{static_cast<unsigned>(std::stoi(s.substr(5, 2)))} /
                      sc::day{static_cast<unsigned>(std::stoi(s.substr(8, 2)))}};
}

int weekday_index(const std::string& name) {
  for (int i = 0; i < 7; ++i) {
    if (name == kWeekdays[i]) return i;
  }
  ADD_FAILURE() << name;
  return 0;
}

// The base day of a month for a monthly rule, by std::chrono.
sc::sys_days base_day(const Recurrence& r, sc::year_month ym) {
  if (r.monthly_mode == MonthlyMode::kDayOfMonth) {
    const sc::year_month_day_last last{ym.year(), sc::month_day_last{ym.month()}};
    const unsigned d = std::min<unsigned>(r.day_of_month, unsigned{last.day()});
    return sc::sys_days{ym.year() / ym.month() / sc::day{d}};
  }
  const sc::weekday wd{static_cast<unsigned>(weekday_index(r.weekday))};
  if (r.nth == -1) return sc::sys_days{ym.year() / ym.month() / wd[sc::last]};
  return sc::sys_days{ym.year() / ym.month() / wd[static_cast<unsigned>(r.nth)]};
}

int months_between(sc::year_month a, sc::year_month b) {  // b - a
  return (int{b.year()} - int{a.year()}) * 12 +
         (int(unsigned{b.month()}) - int(unsigned{a.month()}));
}

bool is_occurrence_day(const Recurrence& r, sc::sys_days d) {
  const sc::sys_days start = parse_day(r.start_date);
  switch (r.frequency) {
    case Frequency::kOnce:
      return d == start;
    case Frequency::kDaily:
      return d >= start && (d - start).count() % r.interval == 0;
    case Frequency::kWeekly: {
      if (d < start) return false;
      bool listed = false;
      for (const std::string& w : r.weekdays)
        listed = listed || sc::weekday{d} == sc::weekday{static_cast<unsigned>(weekday_index(w))};
      const auto monday = [](sc::sys_days x) { return x - (sc::weekday{x} - sc::Monday); };
      const auto weeks = (monday(d) - monday(start)).count() / 7;
      return listed && weeks % r.interval == 0;
    }
    case Frequency::kMonthly: {
      const sc::year_month_day ymd{d};
      const sc::year_month start_ym{sc::year_month_day{start}.year(),
                                    sc::year_month_day{start}.month()};
      // The fire day (base + delay) must be on or after the start; the base day and its
      // month may be before it. Eligible months lie on start's month + k * interval, for any k.
      if (d < start) return false;
      const int n = static_cast<int>(r.interval);
      for (int back = 0; back <= 2; ++back) {
        const sc::year_month ym = sc::year_month{ymd.year(), ymd.month()} - sc::months{back};
        const int k = months_between(start_ym, ym);
        if ((k % n + n) % n != 0) continue;
        if (base_day(r, ym) + sc::days{r.delay_days} == d) return true;
      }
      return false;
    }
  }
  return false;
}

// Local wall seconds at UTC second t, caching the zone period in force.
class WallClock {
 public:
  explicit WallClock(const std::string& zone) : zone_(date::locate_zone(zone)) {}
  std::int64_t at(std::int64_t t) {
    if (t < begin_ || t >= end_) {
      const date::sys_info info = zone_->get_info(date::sys_seconds{sc::seconds{t}});
      begin_ = info.begin.time_since_epoch().count();
      end_ = info.end.time_since_epoch().count();
      offset_ = info.offset.count();
    }
    return t + offset_;
  }

 private:
  const date::time_zone* zone_;
  std::int64_t begin_ = 1, end_ = 0, offset_ = 0;
};

// Up to `n` fire times after `after_us`, searching up to `horizon_us`.
std::vector<std::int64_t> brute_force(const Recurrence& r, std::int64_t after_us,
                                      std::int64_t horizon_us, std::size_t n) {
  const int tod =
      std::stoi(r.time_of_day.substr(0, 2)) * 60 + std::stoi(r.time_of_day.substr(3, 2));
  WallClock wall(r.time_zone);
  std::int64_t t = (after_us / kMinuteUs - 2 * 24 * 60) * kMinuteS;  // seconds, whole minutes
  std::int64_t reached = wall.at(t);  // the latest wall time shown so far
  std::vector<std::int64_t> out;
  for (t += kMinuteS; t * 1'000'000 <= horizon_us && out.size() < n; t += kMinuteS) {
    const std::int64_t w = wall.at(t);
    // Every wall minute in (reached, w] is reached for the first time at t.
    for (std::int64_t m = reached / kMinuteS + 1; m <= w / kMinuteS; ++m) {
      const std::int64_t day = m >= 0 ? m / (24 * 60) : -((-m + 1439) / 1440);
      if (m - day * 24 * 60 != tod) continue;
      if (!is_occurrence_day(r, sc::sys_days{sc::days{day}})) continue;
      if (t * 1'000'000 > after_us) out.push_back(t * 1'000'000);
    }
    reached = std::max(reached, w);
  }
  return out;
}

std::string random_date(std::mt19937_64& rng, sc::sys_days around, int spread_days) {
  const sc::sys_days d =
      around + sc::days{std::uniform_int_distribution<int>(-spread_days, spread_days)(rng)};
  const sc::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u", int{ymd.year()}, unsigned{ymd.month()},
                unsigned{ymd.day()});
  return buf;
}

Recurrence random_rule(std::mt19937_64& rng, sc::sys_days around) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Recurrence r;
  r.time_zone = kZones[pick(0, std::size(kZones) - 1)];
  static const char* const kTimes[] = {"02:30", "01:30", "02:00", "00:00", "00:30",
                                       "03:00", "23:30", "02:45", "01:59", "12:00"};
  if (pick(0, 2) == 0) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%02d:%02d", pick(0, 23), pick(0, 59));
    r.time_of_day = buf;
  } else {
    r.time_of_day = kTimes[pick(0, std::size(kTimes) - 1)];
  }
  r.start_date = random_date(rng, around, 70);
  switch (pick(0, 3)) {
    case 0:
      r.frequency = Frequency::kOnce;
      break;
    case 1:
      r.frequency = Frequency::kDaily;
      r.interval = pick(1, 5);
      break;
    case 2:
      r.frequency = Frequency::kWeekly;
      r.interval = pick(1, 3);
      for (int i = 0; i < 7; ++i) {
        if (pick(0, 2) == 0) r.weekdays.push_back(kWeekdays[i]);
      }
      if (r.weekdays.empty()) r.weekdays.push_back(kWeekdays[pick(0, 6)]);
      break;
    default:
      r.frequency = Frequency::kMonthly;
      r.interval = pick(1, 2);
      r.delay_days = pick(0, 3) == 0 ? 0 : pick(0, 31);
      if (pick(0, 1) == 0) {
        r.monthly_mode = MonthlyMode::kDayOfMonth;
        r.day_of_month = pick(0, 2) == 0 ? pick(28, 31) : pick(1, 31);
      } else {
        r.monthly_mode = MonthlyMode::kNthWeekday;
        r.nth = pick(0, 4) == 0 ? -1 : pick(1, 4);
        r.weekday = kWeekdays[pick(0, 6)];
      }
  }
  return r;
}

std::string describe(const Recurrence& r) {
  std::string s = std::string(frequency_name(r.frequency)) + " start=" + r.start_date + " at " +
                  r.time_of_day + " " + r.time_zone + " interval=" + std::to_string(r.interval) +
                  " days=";
  for (const auto& w : r.weekdays) s += w + ",";
  s += " mode=" + std::string(monthly_mode_name(r.monthly_mode)) +
       " dom=" + std::to_string(r.day_of_month) + " nth=" + std::to_string(r.nth) + " " +
       r.weekday + " +" + std::to_string(r.delay_days);
  return s;
}

TEST(RecurrencePropertyTest, MatchesMinuteByMinuteReference) {
  std::mt19937_64 rng(20260310);
  constexpr int kCases = 1000;
  constexpr std::size_t kFires = 3;
  const std::int64_t horizon = 140 * kDayUs;  // > 2 months' interval + a 31-day delay
  int compared = 0;
  int fires_near_transition = 0;
  for (int i = 0; i < kCases; ++i) {
    Recurrence r = random_rule(rng, sc::sys_days{sc::year{2026} / 6 / 1});
    std::int64_t after = std::uniform_int_distribution<std::int64_t>(
        parse_day("2025-11-01").time_since_epoch().count() * kDayUs,
        parse_day("2027-01-01").time_since_epoch().count() * kDayUs)(rng);
    // Half the time, aim at the zone's next transition: `after` up to a day and a half before
    // it, and the time of day within an hour and a half of the wall time it happens at.
    const date::time_zone* zone = date::locate_zone(r.time_zone);
    const date::sys_info info = zone->get_info(date::sys_seconds{sc::seconds{after / 1'000'000}});
    const std::int64_t transition = info.end.time_since_epoch().count();
    if (rng() % 2 == 0 && transition < 4'000'000'000) {
      after = transition * 1'000'000 -
              std::uniform_int_distribution<std::int64_t>(0, kDayUs + kDayUs / 2)(rng);
      const std::int64_t wall_minute = (transition + info.offset.count()) / 60 % 1440;
      const std::int64_t m =
          (wall_minute + std::uniform_int_distribution<int>(-90, 90)(rng) + 1440) % 1440;
      char buf[8];
      std::snprintf(buf, sizeof(buf), "%02d:%02d", static_cast<int>(m / 60),
                    static_cast<int>(m % 60));
      r.time_of_day = buf;
      // Make the transition's local day an occurrence, unless the rule is monthly.
      const sc::sys_days day{sc::days{(transition + info.offset.count()) / 86400}};
      if (r.frequency == Frequency::kOnce) {
        r.start_date = random_date(rng, day, 0);
      } else if (r.frequency == Frequency::kDaily) {
        r.start_date = random_date(rng, day - sc::days{r.interval * (rng() % 20)}, 0);
      } else if (r.frequency == Frequency::kWeekly) {
        r.start_date = random_date(rng, day - sc::days{7 * r.interval * (rng() % 5)}, 0);
        r.weekdays.push_back(kWeekdays[sc::weekday{day}.c_encoding()]);
      }
    }
    if (rng() % 4 == 0) after -= after % kMinuteUs;  // exactly on a minute, like a previous fire
    ASSERT_TRUE(validate(r).is_ok()) << describe(r) << ": " << validate(r).to_string();
    const std::vector<std::int64_t> expected = brute_force(r, after, after + horizon, kFires);
    Result<std::vector<std::int64_t>> got = next_fires(r, after, kFires);
    ASSERT_TRUE(got.ok()) << describe(r) << ": " << got.status().to_string();
    std::vector<std::int64_t> within;
    for (std::int64_t f : *got) {
      if (f <= after + horizon) within.push_back(f);
    }
    ASSERT_EQ(within, expected) << describe(r) << " after " << format_utc_iso(after);
    ++compared;
    for (std::int64_t f : expected) {
      const date::sys_info at = zone->get_info(date::sys_seconds{sc::seconds{f / 1'000'000}});
      const std::int64_t since = f / 1'000'000 - at.begin.time_since_epoch().count();
      const std::int64_t until = at.end.time_since_epoch().count() - f / 1'000'000;
      if (since <= 2 * 3600 || until <= 2 * 3600) ++fires_near_transition;
    }
  }
  EXPECT_EQ(compared, kCases);
  // The comparison says something about DST only if many fires land near transitions.
  EXPECT_GE(fires_near_transition, 100);
  std::printf("compared %d rules; %d fires within 2 hours of a zone transition\n", compared,
              fires_near_transition);
}

}  // namespace
}  // namespace distsync
