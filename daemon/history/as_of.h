// Time travel: the projected state as it was at a sequence number or a time, by folding the
// log up to that point into a fresh state (nothing persisted changes).
//
// `as_of` is a decimal sequence number ("#1234" or "1234") or a time accepted by
// parse_time_arg(). Thread-safe; reads the log only.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "events/log/event_log.h"
#include "projections/projection_set.h"

namespace distsync {

// ISO 8601 with offset or Z, "YYYY-MM-DD HH:MM" (in `zone`, default UTC), or a relative age
// like "7d", "12h", "30m" (before now_us). Returns UTC microseconds.
Result<std::int64_t> parse_time_arg(const std::string& text, std::int64_t now_us,
                                    const std::string& zone = "UTC");

// The last seq at or before `as_of`.
Result<std::uint64_t> resolve_as_of(EventLog& log, const std::string& as_of, std::int64_t now_us);

Result<std::unique_ptr<ProjectedState>> state_as_of(EventLog& log, std::uint64_t seq);

}  // namespace distsync
