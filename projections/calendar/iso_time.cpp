#include "projections/calendar/iso_time.h"

#include <date/date.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "projections/calendar/civil_time.h"
#include "projections/calendar/time_zone.h"

namespace distsync {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;

// "YYYY-MM-DDTHH:MM:SS[.ffffff]" for a count of microseconds on some clock's epoch.
std::string format_wall(std::int64_t us) {
  const std::int64_t secs = floor_div(us, kMicrosPerSecond);
  const std::int64_t micros = us - secs * kMicrosPerSecond;
  const std::int64_t days = floor_div(secs, 86400);
  const std::int64_t sod = secs - days * 86400;
  const date::year_month_day ymd{date::sys_days{date::days{days}}};
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                static_cast<int>(sod % 60));
  std::string out = buf;
  if (micros != 0) {
    std::snprintf(buf, sizeof(buf), ".%06d", static_cast<int>(micros));
    out += buf;
  }
  return out;
}

std::string format_offset(std::int64_t offset_seconds) {
  const char sign = offset_seconds < 0 ? '-' : '+';
  const std::int64_t a = std::llabs(offset_seconds);
  char buf[16];
  if (a % 60 == 0) {
    std::snprintf(buf, sizeof(buf), "%c%02d:%02d", sign, static_cast<int>(a / 3600),
                  static_cast<int>(a / 60 % 60));
  } else {  // local mean time before standard zones, e.g. -04:56:02
    std::snprintf(buf, sizeof(buf), "%c%02d:%02d:%02d", sign, static_cast<int>(a / 3600),
                  static_cast<int>(a / 60 % 60), static_cast<int>(a % 60));
  }
  return buf;
}

struct WallTime {
  std::int64_t local_seconds = 0;  // from 1970-01-01T00:00 on the wall clock
  std::int64_t micros = 0;
};

// Splits "DATE[T ]TIME" at the separator and parses both halves.
Result<WallTime> parse_wall(std::string_view text, std::string_view time_part) {
  Result<boost::gregorian::date> d = parse_civil_date(text.substr(0, 10), "date");
  if (!d.ok()) return d.status();
  Result<ClockTime> t = parse_clock_time(time_part);
  if (!t.ok()) return t.status();
  WallTime w;
  w.local_seconds = epoch_days(*d) * 86400 + t->seconds_of_day();
  w.micros = t->micros;
  return w;
}

bool has_date_and_separator(std::string_view text) {
  return text.size() > 11 && (text[10] == 'T' || text[10] == 't' || text[10] == ' ');
}

}  // namespace

std::string format_utc_iso(std::int64_t utc_us) { return format_wall(utc_us) + "Z"; }

Result<std::string> format_local_iso(std::int64_t utc_us, const std::string& zone) {
  Result<TimeZone> tz = TimeZone::locate(zone);
  if (!tz.ok()) return tz.status();
  const std::int64_t offset = tz->offset_at(floor_div(utc_us, kMicrosPerSecond));
  return format_wall(utc_us + offset * kMicrosPerSecond) + format_offset(offset);
}

Result<std::int64_t> parse_local_time(const std::string& text, const std::string& zone) {
  if (!has_date_and_separator(text)) {
    return Status::invalid_argument("local time '" + text +
                                    "' is not in 'YYYY-MM-DD HH:MM[:SS]' form");
  }
  Result<TimeZone> tz = TimeZone::locate(zone);
  if (!tz.ok()) return tz.status();
  Result<WallTime> w = parse_wall(text, std::string_view(text).substr(11));
  if (!w.ok()) return w.status();
  return tz->local_to_utc(w->local_seconds) * kMicrosPerSecond + w->micros;
}

Result<std::int64_t> parse_iso8601(const std::string& text) {
  const std::string form = "ISO 8601 time '" + text + "'";
  if (!has_date_and_separator(text)) {
    return Status::invalid_argument(form + " is not in YYYY-MM-DDTHH:MM[:SS]Z form");
  }
  const std::string_view rest = std::string_view(text).substr(11);
  const std::size_t zpos = rest.find_first_of("Zz+-");
  if (zpos == std::string_view::npos) {
    return Status::invalid_argument(form + " has no offset: end it with Z or +HH:MM");
  }
  Result<WallTime> w = parse_wall(text, rest.substr(0, zpos));
  if (!w.ok()) return w.status();

  std::int64_t offset = 0;
  const std::string_view z = rest.substr(zpos);
  if (z == "Z" || z == "z") {
    offset = 0;
  } else {
    // "+HH", "+HHMM" or "+HH:MM".
    std::string digits;
    for (char c : z.substr(1)) {
      if (c != ':') digits.push_back(c);
    }
    const bool colon_ok = z.size() != 6 || z[3] == ':';
    bool ok = (digits.size() == 2 || digits.size() == 4) && colon_ok &&
              z.size() == (digits.size() == 2 ? 3u : (z.size() == 6 ? 6u : 5u));
    for (char c : digits) ok = ok && c >= '0' && c <= '9';
    if (!ok) {
      return Status::invalid_argument(form + " has a malformed offset '" + std::string(z) +
                                      "': use Z, +HH:MM or -HH:MM");
    }
    const int hh = std::atoi(digits.substr(0, 2).c_str());
    const int mm = digits.size() == 4 ? std::atoi(digits.substr(2, 2).c_str()) : 0;
    if (hh > 23 || mm > 59) {
      return Status::invalid_argument(form + " has an offset out of range: at most +-23:59");
    }
    offset = (hh * 3600 + mm * 60) * (z[0] == '-' ? -1 : 1);
  }
  return (w->local_seconds - offset) * kMicrosPerSecond + w->micros;
}

}  // namespace distsync
