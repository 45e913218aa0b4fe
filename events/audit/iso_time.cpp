#include "events/audit/iso_time.h"

namespace distsync {
namespace {

// Howard Hinnant's civil_from_days: proleptic Gregorian date of a day count since 1970-01-01.
void civil_from_days(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

void append_digits(std::string* out, std::int64_t v, int width) {
  char buf[24];
  int n = 0;
  bool neg = v < 0;
  std::uint64_t u = neg ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  do {
    buf[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u != 0);
  while (n < width) buf[n++] = '0';
  if (neg) out->push_back('-');
  while (n > 0) out->push_back(buf[--n]);
}

}  // namespace

void append_iso_utc(std::string* out, std::int64_t time_us) {
  constexpr std::int64_t kPerDay = std::int64_t{86400} * 1000000;
  std::int64_t days = time_us / kPerDay, rem = time_us % kPerDay;
  if (rem < 0) {
    rem += kPerDay;
    --days;
  }
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, &y, &m, &d);
  const std::int64_t secs = rem / 1000000, micros = rem % 1000000;
  append_digits(out, y, 4);
  out->push_back('-');
  append_digits(out, m, 2);
  out->push_back('-');
  append_digits(out, d, 2);
  out->push_back('T');
  append_digits(out, secs / 3600, 2);
  out->push_back(':');
  append_digits(out, secs / 60 % 60, 2);
  out->push_back(':');
  append_digits(out, secs % 60, 2);
  out->push_back('.');
  append_digits(out, micros, 6);
  out->push_back('Z');
}

std::string format_iso_utc(std::int64_t time_us) {
  std::string s;
  append_iso_utc(&s, time_us);
  return s;
}

}  // namespace distsync
