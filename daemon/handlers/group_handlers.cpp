#include "daemon/handlers/group_handlers.h"

#include <optional>
#include <utility>

#include "daemon/commands/group_commands.h"

namespace distsync {
namespace {

using nlohmann::json;

Result<std::string> string_arg(const json& args, const char* key) {
  auto it = args.find(key);
  if (it == args.end() || !it->is_string() || it->get<std::string>().empty()) {
    return Status::invalid_argument(std::string("missing argument '") + key + "'");
  }
  return it->get<std::string>();
}

Result<std::vector<std::string>> names_arg(const json& args, const char* key) {
  std::vector<std::string> out;
  auto it = args.find(key);
  if (it == args.end() || !it->is_array()) {
    return Status::invalid_argument(std::string(key) + " must be a list of names");
  }
  for (const auto& n : *it) {
    if (!n.is_string()) return Status::invalid_argument(std::string(key) + " must be a list of names");
    out.push_back(n.get<std::string>());
  }
  return out;
}

json group_json(const ProjectedState& st, const GroupRecord& g) {
  json members = json::array();
  for (const auto& [name, kind] : g.members) members.push_back({{"name", name}, {"kind", kind}});
  return {{"name", g.name},         {"component", g.component},
          {"description", g.description}, {"members", members},
          {"servers", st.groups.expand(g.name)}, {"added_by", g.added_by},
          {"added_us", g.added_us}, {"bandwidth_plan", g.bandwidth_plan},
          {"plan_zone", g.plan_zone}};
}

// The optional "bandwidth_plan" and "plan_zone" (strings; absent = "").
Result<GroupPlan> plan_args(const json& args) {
  GroupPlan plan;
  for (auto [key, field] : {std::pair{"bandwidth_plan", &plan.bandwidth_plan},
                            std::pair{"plan_zone", &plan.plan_zone}}) {
    auto it = args.find(key);
    if (it == args.end()) continue;
    if (!it->is_string()) return Status::invalid_argument(std::string(key) + " must be a string");
    *field = it->get<std::string>();
  }
  return plan;
}

}  // namespace

void register_group_handlers(RequestRouter& router, CommandRunner& runner) {
  router.add("group.add", [&runner](const json& args) -> Result<json> {
    auto name = string_arg(args, "name");
    if (!name.ok()) return name.status();
    if (!args.value("component", json("all")).is_string() ||
        !args.value("description", json("")).is_string()) {
      return Status::invalid_argument("component and description must be strings");
    }
    std::string component = args.value("component", "all");
    std::string description = args.value("description", "");
    auto plan = plan_args(args);
    if (!plan.ok()) return plan.status();
    auto r = runner.run([&](const ProjectedState& st, auto* out) {
      return decide_group_add(st, *name, component, description, out, *plan);
    });
    if (!r.ok()) return r.status();
    return json{{"group", *name}};
  });
  router.add("group.edit", [&runner](const json& args) -> Result<json> {
    auto name = string_arg(args, "name");
    if (!name.ok()) return name.status();
    auto it = args.find("bandwidth_plan");
    if (it == args.end() || !it->is_string()) {
      return Status::invalid_argument("bandwidth_plan must be a string (\"\" clears the plan)");
    }
    const std::string text = it->get<std::string>();
    std::optional<std::string> zone;
    if (auto z = args.find("plan_zone"); z != args.end()) {
      if (!z->is_string()) return Status::invalid_argument("plan_zone must be a string");
      zone = z->get<std::string>();
    }
    auto r = runner.run([&](const ProjectedState& st, auto* out) {
      return decide_group_plan_set(st, *name, text, zone, out);
    });
    if (!r.ok()) return r.status();
    return runner.read([&](const ProjectedState& st) -> Result<json> {
      const GroupRecord* g = st.groups.find(*name);
      if (g == nullptr) return Status::not_found("group '" + *name + "' was removed meanwhile");
      return json{{"group", *name}, {"bandwidth_plan", g->bandwidth_plan}, {"plan_zone", g->plan_zone}};
    });
  });
  router.add("group.remove", [&runner](const json& args) -> Result<json> {
    auto name = string_arg(args, "name");
    if (!name.ok()) return name.status();
    auto r = runner.run(
        [&](const ProjectedState& st, auto* out) { return decide_group_remove(st, *name, out); });
    if (!r.ok()) return r.status();
    return json{{"removed", *name}};
  });
  router.add("group.add_member", [&runner](const json& args) -> Result<json> {
    auto group = string_arg(args, "group");
    if (!group.ok()) return group.status();
    auto member = string_arg(args, "member");
    if (!member.ok()) return member.status();
    std::vector<std::string> jobs;
    auto r = runner.run([&](const ProjectedState& st, auto* out) {
      jobs.clear();  // the decision may run again
      return decide_group_member_add(st, *group, *member, out, &jobs);
    });
    if (!r.ok()) return r.status();
    return json{{"group", *group}, {"member", *member}, {"jobs", jobs}};
  });
  router.add("group.remove_member", [&runner](const json& args) -> Result<json> {
    auto group = string_arg(args, "group");
    if (!group.ok()) return group.status();
    auto member = string_arg(args, "member");
    if (!member.ok()) return member.status();
    auto r = runner.run([&](const ProjectedState& st, auto* out) {
      return decide_group_member_remove(st, *group, *member, out);
    });
    if (!r.ok()) return r.status();
    return json{{"group", *group}, {"removed", *member}};
  });
  router.add("group.list", [&runner](const json&) -> Result<json> {
    return runner.read([](const ProjectedState& st) {
      json groups = json::array();
      for (const auto& [name, g] : st.groups.groups.items()) groups.push_back(group_json(st, g));
      return json{{"groups", groups}, {"as_of_seq", st.seq}};
    });
  });
  router.add("group.resolve", [&runner](const json& args) -> Result<json> {
    auto names = names_arg(args, "names");
    if (!names.ok()) return names.status();
    auto servers = runner.read(
        [&](const ProjectedState& st) { return resolve_server_names(st, *names); });
    if (!servers.ok()) return servers.status();
    return json{{"servers", *servers}};
  });
}

}  // namespace distsync
