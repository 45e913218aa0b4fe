// BandwidthPlan: a server's weekly bandwidth plan in its own time zone, and the pure function
// that says what is in force at an instant and when that next changes.
//
// Grammar (entries separated by ';', words by spaces, case-insensitive):
//   plan    := entry (';' entry)*
//   entry   := ["closed"] days [range] [rate]
//   days    := '*' | dayspec (',' dayspec)*        dayspec := day | day '-' day (may wrap: fri-mon)
//   day     := mon | tue | wed | thu | fri | sat | sun
//   range   := HH:MM '-' HH:MM                     start < end; end may be 24:00; none = all day
//   rate    := digits [K|M|G]                      bytes per second, binary multiples; 0 = unlimited
// "* RATE" (all days, no range, not closed) is the default for times no window covers; without
// it those times run at the server's own limit. A closed entry has no rate: no sync starts in it
// and running ones pause at a batch boundary. Windows may not overlap (on any day), and a plan
// has at most one default. Example: "mon-fri 08:00-18:00 2M; closed sat 00:00-06:00; * 0".
//
// Times are wall times of the plan's zone and DST is honoured as the wall clock shows it: on
// the spring-forward day a window edge the clocks skip takes effect at the jump; on the
// fall-back day the repeated hour is evaluated by its wall time both times.
//
// Pure functions and value types; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"
#include "projections/calendar/time_zone.h"

namespace distsync {

struct PlanWindow {
  std::uint8_t days = 0;  // bit w set = weekday w (0 = Sunday, as Boost)
  int start_min = 0;      // minutes after local midnight, [start, end)
  int end_min = 24 * 60;
  bool closed = false;
  std::uint64_t bps = 0;  // 0 = unlimited (open windows only)
  std::string text;       // the entry as written (normalized spaces), for messages
};

struct BandwidthPlan {
  std::vector<PlanWindow> windows;
  std::optional<std::uint64_t> default_bps;
  bool empty() const { return windows.empty() && !default_bps; }
};

// invalid_argument naming the entry and the cause for malformed or overlapping windows, an
// unknown day, a closed entry with a rate, or a second default. An empty text is an empty plan.
Result<BandwidthPlan> parse_bandwidth_plan(std::string_view text);

// What a plan has in force at an instant.
struct PlanNow {
  bool closed = false;
  std::uint64_t bps = 0;     // 0 = unlimited; meaningless while closed
  std::string source;        // the window's text, "default" or "server limit"
  std::optional<std::int64_t> next_change_us;  // when closed or bps next differ; none within 8 days
};

// `fallback_bps` is what applies where neither a window nor the default does (the server's
// own limit). Exact to the second; looks ahead 8 days.
PlanNow plan_at(const BandwidthPlan& plan, const TimeZone& zone, std::int64_t utc_us,
                std::uint64_t fallback_bps);

// Checks a plan text and its zone together, as a server edit does ("" zone = UTC).
Status validate_bandwidth_plan(const std::string& text, const std::string& zone);

}  // namespace distsync
