// The system's wall clock in UTC microseconds, for control handlers that stamp "now" on a
// request (schedule validation, relative times like "7d"). Code that tests drive takes an
// injected clock instead. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>

namespace distsync {

inline std::int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace distsync
