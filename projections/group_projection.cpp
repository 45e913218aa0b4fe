#include "projections/group_projection.h"

namespace distsync {
namespace {

void collect(const GroupState& s, const std::string& group, std::set<std::string>* visited,
             std::set<std::string>* servers) {
  if (!visited->insert(group).second) return;  // a cycle is refused on the way in; be safe
  const GroupRecord* g = s.find(group);
  if (g == nullptr) return;
  for (const auto& [member, kind] : g->members) {
    if (kind == "group") {
      collect(s, member, visited, servers);
    } else {
      servers->insert(member);
    }
  }
}

void drop_member_everywhere(GroupState& state, const std::string& member) {
  std::vector<std::string> holders;
  for (const auto& [name, g] : state.groups.items()) {
    if (g.members.count(member)) holders.push_back(name);
  }
  for (const std::string& name : holders) state.groups.find_mutable(name)->members.erase(member);
}

}  // namespace

std::vector<std::string> GroupState::expand(const std::string& group) const {
  std::set<std::string> visited, servers;
  collect(*this, group, &visited, &servers);
  return {servers.begin(), servers.end()};
}

bool GroupState::reaches(const std::string& group, const std::string& other) const {
  if (group == other) return true;
  std::set<std::string> visited, servers;
  collect(*this, group, &visited, &servers);
  return visited.count(other) > 0;
}

std::vector<std::string> GroupState::groups_of(const std::string& server) const {
  std::vector<std::string> out;
  for (const auto& [name, g] : groups.items()) {
    for (const std::string& s : expand(name)) {
      if (s == server) {
        out.push_back(name);
        break;
      }
    }
  }
  return out;
}

void apply(GroupState& state, const Event& e) {
  if (const auto* a = e.as<GroupAdded>()) {
    state.groups.put(a->name, GroupRecord{a->name, a->component, a->description, {}, e.console,
                                          e.time_us, "", ""});
  } else if (const auto* plan = e.as<GroupPlanSet>()) {
    if (GroupRecord* g = state.groups.find_mutable(plan->name)) {
      g->bandwidth_plan = plan->bandwidth_plan;
      g->plan_zone = plan->plan_zone;
    }
  } else if (const auto* r = e.as<GroupRemoved>()) {
    state.groups.erase(r->name);
    drop_member_everywhere(state, r->name);
  } else if (const auto* m = e.as<GroupMemberAdded>()) {
    if (GroupRecord* g = state.groups.find_mutable(m->group)) g->members[m->member] = m->kind;
  } else if (const auto* left = e.as<GroupMemberRemoved>()) {
    if (GroupRecord* g = state.groups.find_mutable(left->group)) g->members.erase(left->member);
  } else if (const auto* s = e.as<ServerRemoved>()) {
    drop_member_everywhere(state, s->name);
  }
}

}  // namespace distsync
