// Times on the command line: what operators type (--since, --as-of, --until) and what tables
// show. Parsing accepts ISO 8601 with an offset, local "YYYY-MM-DD HH:MM" in the CLI's zone,
// or an age like "7d"; tables show local wall time "YYYY-MM-DD HH:MM". The CLI's zone is the
// config's time_zone (the system's by default). Pure but for the clock in now_us(); thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "events/result.h"

namespace distsync {

class CliContext;

std::int64_t cli_now_us();
// The zone local times are read and shown in.
std::string cli_zone(const CliContext& ctx);
// UTC microseconds for a --since/--until/--as-of value.
Result<std::int64_t> parse_cli_time(const std::string& text, const std::string& zone);
// "2026-11-10 03:00" in `zone` (UTC if the zone is unknown).
std::string format_local_minute(std::int64_t utc_us, const std::string& zone);
// "2026-11-10" today in `zone`.
std::string local_today(const std::string& zone);
// An --as-of value for the daemon: "#N" and "N" pass through; times become ISO 8601 UTC so the
// daemon reads them in the operator's zone, not its own.
Result<std::string> as_of_arg(const std::string& text, const std::string& zone);

}  // namespace distsync
