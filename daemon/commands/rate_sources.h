// rate_sources: the bandwidth plans that apply to a server, read from projected state, for
// rate_in_force() (projections/calendar/rate_in_force.h): the server's own (its plan, or none,
// over its limit) first, then each group that holds it, directly or through nesting, that has
// a plan, in name order. One place, so `server show`, the job gate and the copy dispatcher
// all combine the same sources.
//
// Pure; thread-safe. A plan or zone that no longer parses (only a record written by an older
// build could hold one; both are refused when recorded) is left out.
#pragma once

#include <string>
#include <vector>

#include "projections/calendar/rate_in_force.h"
#include "projections/projection_set.h"

namespace distsync {

std::vector<RatePlanSource> rate_sources(const ProjectedState& state, const ServerSpec& server);

// True when some source has a plan (not only the server's fixed limit).
bool has_plan(const std::vector<RatePlanSource>& sources);

// "server 'S' is in the closed window 'W' [of group 'G'] until <local time> (<zone>)", for a
// closed `rate`, as SyncDeferred and SyncPaused give it.
std::string closed_reason(const std::string& server, const RateInForce& rate);

}  // namespace distsync
