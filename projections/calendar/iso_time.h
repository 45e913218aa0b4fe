// ISO 8601 text for instants: formatting for schedule previews and parsing for the CLI.
// Instants are microseconds since the Unix epoch (UTC). Fractions of a second are printed only
// when non-zero (".250000"). Parsers accept "T" or one space between date and time, and return
// invalid_argument with a one-line message for anything else. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "events/result.h"

namespace distsync {

// "2026-12-12T02:00:00Z".
std::string format_utc_iso(std::int64_t utc_us);

// "2026-12-12T03:00:00+01:00": the wall time in `zone` and the offset in force then.
// Fails only for an unknown zone.
Result<std::string> format_local_iso(std::int64_t utc_us, const std::string& zone);

// "YYYY-MM-DD[T ]HH:MM[:SS[.fraction]]" as wall time in `zone`, without an offset. A wall time
// the clocks skip maps to the first instant after the gap, one that occurs twice to its first
// occurrence (the schedule DST policy, see time_zone.h).
Result<std::int64_t> parse_local_time(const std::string& text, const std::string& zone);

// "YYYY-MM-DD[T ]HH:MM[:SS[.fraction]]" followed by "Z" or an offset "+HH:MM", "+HHMM", "+HH"
// (or "-"). An offset is required: a time without one names no instant.
Result<std::int64_t> parse_iso8601(const std::string& text);

}  // namespace distsync
