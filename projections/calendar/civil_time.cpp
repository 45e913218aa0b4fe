#include "projections/calendar/civil_time.h"

#include <array>
#include <cctype>
#include <stdexcept>
#include <string>

namespace distsync {
namespace {

namespace greg = boost::gregorian;

// Reads exactly `n` decimal digits.
bool read_digits(std::string_view s, std::size_t n, int* out) {
  if (s.size() != n) return false;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

const greg::date kEpoch(1970, 1, 1);

constexpr std::array<std::string_view, 7> kShortNames = {"sun", "mon", "tue", "wed",
                                                         "thu", "fri", "sat"};
constexpr std::array<std::string_view, 7> kLongNames = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};

}  // namespace

Result<greg::date> parse_civil_date(std::string_view text, std::string_view what) {
  const std::string quoted = std::string(what) + " '" + std::string(text) + "'";
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !read_digits(text.substr(0, 4), 4, &y) || !read_digits(text.substr(5, 2), 2, &m) ||
      !read_digits(text.substr(8, 2), 2, &d)) {
    return Status::invalid_argument(quoted + " is not a date in YYYY-MM-DD form");
  }
  if (y < 1400 || y > 9999) {
    return Status::invalid_argument(quoted + " is out of range: years 1400-9999");
  }
  if (m < 1 || m > 12) {
    return Status::invalid_argument(quoted + " has no month " + std::to_string(m) +
                                    ": months are 01-12");
  }
  const int last = greg::gregorian_calendar::end_of_month_day(y, m);
  if (d < 1 || d > last) {
    return Status::invalid_argument(quoted + " does not exist: " + std::string(text.substr(0, 7)) +
                                    " has " + std::to_string(last) + " days");
  }
  return greg::date(y, m, d);
}

Result<int> parse_time_of_day(std::string_view text) {
  const std::string quoted = "time of day '" + std::string(text) + "'";
  const std::size_t colon = text.find(':');
  int h = 0, m = 0;
  if (colon == std::string_view::npos || colon == 0 || colon > 2 ||
      !read_digits(text.substr(0, colon), colon, &h) ||
      !read_digits(text.substr(colon + 1), 2, &m)) {
    return Status::invalid_argument(quoted + " is not in HH:MM form");
  }
  if (h > 23) return Status::invalid_argument(quoted + " is out of range: hours are 00-23");
  if (m > 59) return Status::invalid_argument(quoted + " is out of range: minutes are 00-59");
  return h * 60 + m;
}

Result<ClockTime> parse_clock_time(std::string_view text) {
  const std::string quoted = "time '" + std::string(text) + "'";
  ClockTime t;
  if (text.size() < 5 || text[2] != ':' || !read_digits(text.substr(0, 2), 2, &t.hour) ||
      !read_digits(text.substr(3, 2), 2, &t.minute)) {
    return Status::invalid_argument(quoted + " is not in HH:MM[:SS[.fraction]] form");
  }
  std::string_view rest = text.substr(5);
  if (!rest.empty()) {
    if (rest.size() < 3 || rest[0] != ':' || !read_digits(rest.substr(1, 2), 2, &t.second)) {
      return Status::invalid_argument(quoted + " is not in HH:MM[:SS[.fraction]] form");
    }
    rest = rest.substr(3);
    if (!rest.empty()) {
      if (rest[0] != '.' && rest[0] != ',') {
        return Status::invalid_argument(quoted + " is not in HH:MM[:SS[.fraction]] form");
      }
      const std::string_view frac = rest.substr(1);
      if (frac.empty() || frac.size() > 9) {
        return Status::invalid_argument(quoted + " has a fraction of 1-9 digits after the dot");
      }
      std::int64_t micros = 0;
      for (std::size_t i = 0; i < 6; ++i) {
        int digit = 0;
        if (i < frac.size()) {
          if (!read_digits(frac.substr(i, 1), 1, &digit)) {
            return Status::invalid_argument(quoted + " has a non-digit in its fraction");
          }
        }
        micros = micros * 10 + digit;
      }
      for (std::size_t i = 6; i < frac.size(); ++i) {
        if (frac[i] < '0' || frac[i] > '9') {
          return Status::invalid_argument(quoted + " has a non-digit in its fraction");
        }
      }
      t.micros = micros;
    }
  }
  if (t.hour > 23) return Status::invalid_argument(quoted + " is out of range: hours are 00-23");
  if (t.minute > 59)
    return Status::invalid_argument(quoted + " is out of range: minutes are 00-59");
  // A leap second (:60) has no place on a schedule and no representation in Unix time.
  if (t.second > 59)
    return Status::invalid_argument(quoted + " is out of range: seconds are 00-59");
  return t;
}

Result<int> parse_weekday(std::string_view name) {
  std::string lower;
  for (char c : name)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (int i = 0; i < 7; ++i) {
    if (lower == kShortNames[i] || lower == kLongNames[i]) return i;
  }
  return Status::invalid_argument("unknown weekday '" + std::string(name) +
                                  "': use mon, tue, wed, thu, fri, sat or sun");
}

std::string_view weekday_short_name(int weekday) {
  DISTSYNC_CHECK(weekday >= 0 && weekday < 7);
  return kShortNames[weekday];
}

std::int64_t epoch_days(greg::date d) { return (d - kEpoch).days(); }

greg::date date_from_epoch_days(std::int64_t days) {
  // Boost would wrap silently past its range; callers catch this at the public surface.
  static const std::int64_t kFirst = epoch_days(greg::date(1400, 1, 1));
  static const std::int64_t kLast = epoch_days(greg::date(9999, 12, 31));
  if (days < kFirst || days > kLast) throw std::out_of_range("date outside years 1400-9999");
  return kEpoch + greg::days(static_cast<long>(days));
}

}  // namespace distsync
