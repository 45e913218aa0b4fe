// Commands of server groups: add and remove a group, add and remove a member (a server or a
// nested group), and resolve names that may be groups to the servers they hold.
//
// Pure decide functions (see server_commands.h). A group and a server never share a name, so
// a `sync` or a `report` that names one is never ambiguous. A member that would make a group
// contain itself, directly or through nested groups, is refused. A server that joins a group
// (itself or through a nested group) is brought up to date in the same command: a SyncQueued
// with trigger "group" for the component of each group it joined (joining a queued job of the
// same server and component, like any other request); a disabled server is not synced. A
// group may have a weekly bandwidth plan in its own zone; every server it holds copies at the
// strictest of its own plan and its groups' (projections/calendar/rate_in_force.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "events/event.h"
#include "projections/projection_set.h"

namespace distsync {

// A group's bandwidth plan and its zone, as `group add` and `group edit` give them.
struct GroupPlan {
  std::string bandwidth_plan;  // "" = none (clears it on edit)
  std::string plan_zone;       // "" = UTC
};

// With a non-empty `plan`, a GroupPlanSet follows the GroupAdded.
Status decide_group_add(const ProjectedState& state, const std::string& name,
                        const std::string& component, const std::string& description,
                        std::vector<EventDraft>* out, const GroupPlan& plan = {});

// Sets (or, with an empty plan, clears, zone and all) the group's bandwidth plan: GroupPlanSet.
// `zone` nullopt keeps the group's zone. A malformed plan, an unknown zone, or a zone without
// a plan is invalid_argument naming the cause (the grammar's own messages,
// projections/calendar/bandwidth_plan.h); the same plan and zone again records nothing.
Status decide_group_plan_set(const ProjectedState& state, const std::string& name,
                             const std::string& plan, const std::optional<std::string>& zone,
                             std::vector<EventDraft>* out);

Status decide_group_remove(const ProjectedState& state, const std::string& name,
                           std::vector<EventDraft>* out);

// *jobs receives the id of each sync job queued or joined for a server that joined.
Status decide_group_member_add(const ProjectedState& state, const std::string& group,
                               const std::string& member, std::vector<EventDraft>* out,
                               std::vector<std::string>* jobs);

Status decide_group_member_remove(const ProjectedState& state, const std::string& group,
                                  const std::string& member, std::vector<EventDraft>* out);

// Each name that is a server stays; each group becomes the servers it holds (nested groups
// included). The result holds each server once, in the order first named. not_found names
// the first name that is neither; invalid_argument names a group that holds no server.
Result<std::vector<std::string>> resolve_server_names(const ProjectedState& state,
                                                      const std::vector<std::string>& names);

}  // namespace distsync
