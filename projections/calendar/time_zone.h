// TimeZone: an IANA time zone from the system's zoneinfo, and the one place that turns local
// wall time into UTC instants.
//
// Wall time to UTC follows the schedule DST policy (docs/recurrence.md):
//   - a wall time that occurs once maps to that instant;
//   - a wall time the clocks skip (spring forward) maps to the first instant after the gap,
//     i.e. the instant the clocks jump (02:30 on a 02:00->03:00 day fires at 03:00);
//   - a wall time that occurs twice (fall back) maps to its first occurrence.
// Times are whole seconds: "local seconds" count from 1970-01-01T00:00 on the zone's wall clock,
// "UTC seconds" from the Unix epoch.
//
// A TimeZone is a small value that points into the process-wide time zone database, which
// lives until exit. Lookups do no I/O after the database is first loaded. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "events/result.h"

namespace date {
class time_zone;
}  // namespace date

namespace distsync {

class TimeZone {
 public:
  // Finds `name` ("Europe/Berlin") in the system zoneinfo.
  // Fails with invalid_argument "unknown time zone 'X'" for a name it does not know.
  static Result<TimeZone> locate(const std::string& name);

  const std::string& name() const { return name_; }

  // UTC seconds for a local wall time, by the DST policy above.
  std::int64_t local_to_utc(std::int64_t local_seconds) const;
  // Local wall time at a UTC instant (always unique).
  std::int64_t utc_to_local(std::int64_t utc_seconds) const;
  // Offset from UTC, in seconds, in force at a UTC instant (east positive).
  std::int64_t offset_at(std::int64_t utc_seconds) const;

 private:
  TimeZone(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}

  const date::time_zone* zone_;  // owned by the time zone database
  std::string name_;
};

}  // namespace distsync
