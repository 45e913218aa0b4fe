// Helpers for calendar tests: instants computed with std::chrono, independently of the code
// under test.
#pragma once

#include <chrono>
#include <cstdint>

namespace distsync::testing {

// Microseconds since the Unix epoch for a UTC civil time.
inline std::int64_t utc_us(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
  using namespace std::chrono;
  const sys_days date{year{y} / month{m} / day{d}};
  const auto t = date + hours{hh} + minutes{mm} + seconds{ss};
  return duration_cast<microseconds>(t.time_since_epoch()).count();
}

inline constexpr std::int64_t kMinuteUs = 60'000'000;
inline constexpr std::int64_t kHourUs = 60 * kMinuteUs;
inline constexpr std::int64_t kDayUs = 24 * kHourUs;

}  // namespace distsync::testing
