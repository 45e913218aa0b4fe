// rate_in_force: the one rate a server copies at, at an instant, when its own limit and plan
// and the plans of the groups it is in (directly or through nesting) all apply.
//
// The strictest source wins: closed if any source is in a closed window; else the lowest
// non-zero rate; 0 (unlimited) only when every source says unlimited. A group's plan, where
// neither a window nor its default covers the time, does not restrict (its fallback is 0). On a
// tie the first source listed wins (the caller lists the server first, then groups by name).
// The next change is the first instant after `utc_us`, within plan_at()'s 8-day horizon, at
// which the combined answer (closed, or the rate) differs; it is found by stepping through the
// earliest next change of the sources involved.
//
// Pure function of its arguments and value types; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "projections/calendar/bandwidth_plan.h"
#include "projections/calendar/time_zone.h"

namespace distsync {

// One plan that applies to a server: its own (kind "server") or a group's (kind "group").
struct RatePlanSource {
  std::string kind;              // "server" | "group"
  std::string name;              // the server's or the group's name
  BandwidthPlan plan;
  TimeZone zone;
  std::uint64_t fallback_bps = 0;  // where the plan says nothing: the server's limit; 0 for a group
};

struct RateInForce {
  bool closed = false;
  std::uint64_t bps = 0;     // 0 = unlimited; meaningless while closed
  std::string kind;          // the deciding source: "server" | "group"; empty when none listed
  std::string name;
  std::string window;        // as PlanNow::source: the window's text, "default" or "server limit"
  std::string zone;          // the deciding source's zone name
  std::optional<std::int64_t> next_change_us;  // none within 8 days
};

RateInForce rate_in_force(const std::vector<RatePlanSource>& sources, std::int64_t utc_us);

}  // namespace distsync
