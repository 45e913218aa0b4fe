// ISO 8601 UTC timestamps with microseconds, for the human-readable time column of exports.
//
// format_iso_utc(1765432109876543) == "2025-12-11T05:48:29.876543Z". Pure and thread-safe; no
// time-zone database involved (UTC only), so it is cheap enough to call once per exported event.
#pragma once

#include <cstdint>
#include <string>

namespace distsync {

// Appends the timestamp of `time_us` (microseconds since the Unix epoch, UTC) to `out`.
void append_iso_utc(std::string* out, std::int64_t time_us);
std::string format_iso_utc(std::int64_t time_us);

}  // namespace distsync
