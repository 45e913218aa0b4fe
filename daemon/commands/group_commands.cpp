#include "daemon/commands/group_commands.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "daemon/commands/sync_commands.h"
#include "projections/calendar/bandwidth_plan.h"

namespace distsync {
namespace {

constexpr std::size_t kMaxDescriptionBytes = 1024;

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 128 || name[0] == '-' || name[0] == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

const GroupRecord* find_group(const ProjectedState& state, const std::string& name) {
  return state.groups.find(name);
}

Status no_group(const std::string& name) {
  return Status::not_found("no group named '" + name + "'; list groups with 'distsync group list'");
}

constexpr std::size_t kMaxPlanBytes = 1024;

Status validate_group_plan(const GroupPlan& plan) {
  if (plan.bandwidth_plan.size() > kMaxPlanBytes) {
    return Status::invalid_argument("bandwidth plan is longer than 1024 bytes");
  }
  if (plan.bandwidth_plan.empty()) {
    if (!plan.plan_zone.empty()) {
      return Status::invalid_argument("a plan zone needs a bandwidth plan (--bandwidth-plan)");
    }
    return Status::ok();
  }
  return validate_bandwidth_plan(plan.bandwidth_plan, plan.plan_zone);
}

}  // namespace

Status decide_group_add(const ProjectedState& state, const std::string& name,
                        const std::string& component, const std::string& description,
                        std::vector<EventDraft>* out, const GroupPlan& plan) {
  if (!valid_name(name)) {
    return Status::invalid_argument("group name '" + name +
                                    "' must be 1-128 of [A-Za-z0-9._-], not starting with - or .");
  }
  if (!valid_component(component)) {
    return Status::invalid_argument("unknown component '" + component +
                                    "': use core, patches or all");
  }
  if (description.size() > kMaxDescriptionBytes) {
    return Status::invalid_argument("description is longer than 1024 bytes");
  }
  if (find_group(state, name)) return Status::conflict("a group named '" + name + "' already exists");
  if (state.servers.find(name)) {
    return Status::conflict("a server named '" + name + "' already exists; pick another name");
  }
  if (Status p = validate_group_plan(plan); !p.is_ok()) return p;
  out->push_back({name, GroupAdded{name, component, description}});
  if (!plan.bandwidth_plan.empty()) {
    out->push_back({name, GroupPlanSet{name, plan.bandwidth_plan, plan.plan_zone}});
  }
  return Status::ok();
}

Status decide_group_plan_set(const ProjectedState& state, const std::string& name,
                             const std::string& text, const std::optional<std::string>& zone,
                             std::vector<EventDraft>* out) {
  const GroupRecord* g = find_group(state, name);
  if (!g) return no_group(name);
  GroupPlan plan{text, zone.value_or(text.empty() ? "" : g->plan_zone)};
  if (Status p = validate_group_plan(plan); !p.is_ok()) return p;
  if (g->bandwidth_plan == plan.bandwidth_plan && g->plan_zone == plan.plan_zone) return Status::ok();
  out->push_back({name, GroupPlanSet{name, plan.bandwidth_plan, plan.plan_zone}});
  return Status::ok();
}

Status decide_group_remove(const ProjectedState& state, const std::string& name,
                           std::vector<EventDraft>* out) {
  if (!find_group(state, name)) return no_group(name);
  out->push_back({name, GroupRemoved{name}});
  return Status::ok();
}

Status decide_group_member_add(const ProjectedState& state, const std::string& group,
                               const std::string& member, std::vector<EventDraft>* out,
                               std::vector<std::string>* jobs) {
  const GroupRecord* g = find_group(state, group);
  if (!g) return no_group(group);
  std::string kind;
  std::vector<std::string> joining;  // the servers `member` brings
  if (state.servers.find(member)) {
    kind = "server";
    joining = {member};
  } else if (find_group(state, member)) {
    kind = "group";
    if (member == group) {
      return Status::invalid_argument("group '" + group + "' cannot contain itself");
    }
    if (state.groups.reaches(member, group)) {
      return Status::invalid_argument("group '" + member + "' already contains '" + group +
                                      "': a group cannot contain itself");
    }
    joining = state.groups.expand(member);
  } else {
    return Status::not_found("no server or group named '" + member + "'");
  }
  if (g->members.count(member)) {
    return Status::conflict("'" + member + "' is already a member of group '" + group + "'");
  }
  out->push_back({group, GroupMemberAdded{group, member, kind}});
  // Every group that holds `group` (and `group` itself) gains the servers it lacked.
  for (const auto& [name, holder] : state.groups.groups.items()) {
    if (!state.groups.reaches(name, group)) continue;
    std::vector<std::string> before = state.groups.expand(name);
    for (const std::string& server : joining) {
      if (std::find(before.begin(), before.end(), server) != before.end()) continue;
      const ServerRecord* rec = state.servers.find(server);
      if (rec == nullptr || !rec->spec.enabled) continue;
      SyncRequest req;
      req.server = server;
      req.component = holder.component;
      req.trigger = "group";
      std::string job;
      bool joined = false;
      Status s = decide_sync_enqueue(state, req, *out, out, &job, &joined);
      if (!s.is_ok()) return s;
      if (std::find(jobs->begin(), jobs->end(), job) == jobs->end()) jobs->push_back(job);
    }
  }
  return Status::ok();
}

Status decide_group_member_remove(const ProjectedState& state, const std::string& group,
                                  const std::string& member, std::vector<EventDraft>* out) {
  const GroupRecord* g = find_group(state, group);
  if (!g) return no_group(group);
  if (!g->members.count(member)) {
    return Status::not_found("'" + member + "' is not a member of group '" + group + "'");
  }
  out->push_back({group, GroupMemberRemoved{group, member}});
  return Status::ok();
}

Result<std::vector<std::string>> resolve_server_names(const ProjectedState& state,
                                                      const std::vector<std::string>& names) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const std::string& name : names) {
    std::vector<std::string> servers;
    if (state.servers.find(name)) {
      servers = {name};
    } else if (find_group(state, name)) {
      servers = state.groups.expand(name);
      if (servers.empty()) {
        return Status::invalid_argument("group '" + name + "' holds no server; add one with "
                                        "'distsync group add-member " + name + " SERVER'");
      }
    } else {
      return Status::not_found("no server '" + name + "' (nor a group of that name); list them "
                               "with 'distsync server list' and 'distsync group list'");
    }
    for (std::string& s : servers) {
      if (seen.insert(s).second) out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace distsync
