// Recurrence: when a schedule fires. A plain value (serializable with cereal) plus pure
// functions that validate it and compute its fire times. No clock is read here: callers pass
// "now" and "after" in, as microseconds since the Unix epoch (UTC).
//
// A rule is once, daily (every N days), weekly (a set of weekdays, every N weeks) or monthly
// (a day of the month 1-31, or the first..fourth or last weekday, every N months, plus a delay
// of 0-31 days). It fires at `time_of_day` wall time in the IANA zone `time_zone`. Day 31 in a
// 30-day month means the month's last day. A wall time the clocks skip fires at the first
// instant after the gap; one that occurs twice fires once, at its first occurrence.
// Intervals count from start_date (its day, its ISO week, its month); nothing fires before it.
// A monthly occurrence counts when its fire day (base day + delay) is on or after start_date,
// whatever month its base day is in.
// docs/recurrence.md has the full model. Functions are pure and thread-safe.
#pragma once

#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/recurrence.h"
#include "events/result.h"
#include "events/status.h"

namespace distsync {

// Checks every field the frequency uses (and that delay_days is 0 unless monthly). Fields a
// frequency does not use are ignored. Does not look at the clock: see validate_at.
Status validate(const Recurrence& r);
// validate, and also refuses a once-schedule whose fire time is before `now_utc_us`.
Status validate_at(const Recurrence& r, std::int64_t now_utc_us);

// The first fire time strictly after `after_utc_us`, or std::nullopt when there is none (a
// once-schedule already fired). Fire times are whole seconds.
// REQUIRES: validate(r) is ok (an invalid rule yields its validation error, never a crash).
// Fails with invalid_argument when the answer lies outside years 1400-9999.
Result<std::optional<std::int64_t>> next_fire_after(const Recurrence& r, std::int64_t after_utc_us);

// Up to `n` successive fire times after `after_utc_us` (fewer when the rule runs out).
Result<std::vector<std::int64_t>> next_fires(const Recurrence& r, std::int64_t after_utc_us,
                                             std::size_t n);

}  // namespace distsync

