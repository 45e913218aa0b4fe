// Server groups: named sets of servers and other groups, folded from Group* events.
//
// apply() is a pure fold. A removed server leaves every group it was in (ServerRemoved), and
// a removed group leaves every group that held it. expand() resolves a group to the servers
// it holds, directly or through nested groups, each once, in name order. GroupPlanSet sets or
// clears a group's bandwidth plan (record version 2; a version 1 record reads with none). Value type; the
// ProjectionSet serializes access.
#pragma once

#include <cereal/types/map.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "events/event.h"
#include "projections/entity_store.h"

namespace distsync {

struct GroupRecord {
  std::string name;
  std::string component = "all";
  std::string description;
  std::map<std::string, std::string> members;  // member name -> "server" | "group"
  std::string added_by;
  std::int64_t added_us = 0;
  std::string bandwidth_plan;  // "" = none (projections/calendar/bandwidth_plan.h)
  std::string plan_zone;       // "" = UTC

  bool operator==(const GroupRecord&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<GroupRecord>(version);
    ar(CEREAL_NVP(name), CEREAL_NVP(component), CEREAL_NVP(description), CEREAL_NVP(members),
       CEREAL_NVP(added_by), CEREAL_NVP(added_us));
    if (version >= 2) ar(CEREAL_NVP(bandwidth_plan), CEREAL_NVP(plan_zone));
  }
};

struct GroupState {
  EntityStore<GroupRecord> groups{"group/"};

  const GroupRecord* find(const std::string& name) const { return groups.find(name); }
  // The servers `group` holds, directly or through nested groups; empty for an unknown group.
  std::vector<std::string> expand(const std::string& group) const;
  // True when `group` holds `other`, directly or through nested groups, or is it.
  bool reaches(const std::string& group, const std::string& other) const;
  // The groups that hold `server` directly or through nested groups.
  std::vector<std::string> groups_of(const std::string& server) const;
};

void apply(GroupState& state, const Event& e);

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::GroupRecord, 2);
