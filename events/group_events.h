// Events of server groups. A group is a named set of members; a member is a server or another
// group (nesting is allowed, a cycle is not). The correlation id of the envelope is the group
// name. A server that joins a group is brought up to date by a SyncQueued with trigger
// "group" appended in the same command. A group's bandwidth plan (and its zone) is set and
// cleared by GroupPlanSet; how it combines with its servers' own plans is in
// projections/calendar/rate_in_force.h.
#pragma once

#include <cereal/types/string.hpp>
#include <cstdint>
#include <string>

#include "events/schema.h"

namespace distsync {

struct GroupAdded {
  static constexpr const char* kType = "GroupAdded";
  std::string name;
  std::string component = "all";  // what a joining server is synced with: core, patches, all
  std::string description;
  bool operator==(const GroupAdded&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<GroupAdded>(version);
    ar(CEREAL_NVP(name), CEREAL_NVP(component), CEREAL_NVP(description));
  }
};

struct GroupRemoved {
  static constexpr const char* kType = "GroupRemoved";
  std::string name;
  bool operator==(const GroupRemoved&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<GroupRemoved>(version);
    ar(CEREAL_NVP(name));
  }
};

// kind is "server" or "group".
struct GroupMemberAdded {
  static constexpr const char* kType = "GroupMemberAdded";
  std::string group;
  std::string member;
  std::string kind;
  bool operator==(const GroupMemberAdded&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<GroupMemberAdded>(version);
    ar(CEREAL_NVP(group), CEREAL_NVP(member), CEREAL_NVP(kind));
  }
};

struct GroupMemberRemoved {
  static constexpr const char* kType = "GroupMemberRemoved";
  std::string group;
  std::string member;
  bool operator==(const GroupMemberRemoved&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<GroupMemberRemoved>(version);
    ar(CEREAL_NVP(group), CEREAL_NVP(member));
  }
};

// The group's weekly bandwidth plan from now on (grammar: projections/calendar/bandwidth_plan.h),
// in `plan_zone` ("" = UTC); an empty plan clears it. Recorded by `group add --bandwidth-plan`
// right after the GroupAdded, and by `group edit`.
struct GroupPlanSet {
  static constexpr const char* kType = "GroupPlanSet";
  std::string name;
  std::string bandwidth_plan;
  std::string plan_zone;
  bool operator==(const GroupPlanSet&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<GroupPlanSet>(version);
    ar(CEREAL_NVP(name), CEREAL_NVP(bandwidth_plan), CEREAL_NVP(plan_zone));
  }
};

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::GroupAdded, 1);
CEREAL_CLASS_VERSION(distsync::GroupRemoved, 1);
CEREAL_CLASS_VERSION(distsync::GroupMemberAdded, 1);
CEREAL_CLASS_VERSION(distsync::GroupMemberRemoved, 1);
CEREAL_CLASS_VERSION(distsync::GroupPlanSet, 1);
