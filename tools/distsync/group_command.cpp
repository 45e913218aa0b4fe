// `distsync group add|edit|remove|list|add-member|remove-member`: server groups (ops group.*). A
// group names servers and other groups; `sync`, `report` and schedules may name a group. A
// group may have a weekly bandwidth plan in its own zone (add --bandwidth-plan, edit
// --bandwidth-plan | --no-bandwidth-plan); its servers copy at the strictest in force. A
// server that joins a group is synced with the group's component at once (trigger "group");
// add-member prints the jobs it queued. The daemon decides and refuses (a group containing
// itself, a name in use); its one-line refusal is printed as is.
#include <optional>

#include "tools/distsync/cli_context.h"

namespace distsync {
namespace {

using nlohmann::json;

struct GroupFlags {
  std::string name;
  std::string member;
  std::string component = "all";
  std::string description;
  std::optional<std::string> plan;
  std::optional<std::string> zone;
  bool no_plan = false;
};

void add_plan_flags(CLI::App* cmd, GroupFlags& f) {
  cmd->add_option("--bandwidth-plan", f.plan,
                  "weekly plan for every server of the group, e.g. \"mon-fri 08:00-18:00 2M; * 0\"");
  cmd->add_option("--zone,--plan-zone", f.zone, "the plan's time zone (IANA name; default UTC)");
}

void print_groups(CliContext& ctx, const json& reply) {
  std::vector<std::vector<std::string>> rows{{"GROUP", "COMPONENT", "MEMBERS", "SERVERS", "BANDWIDTH PLAN", "DESCRIPTION"}};
  for (const json& g : reply.value("groups", json::array())) {
    std::string members, servers;
    for (const json& m : g.value("members", json::array())) {
      if (!members.empty()) members += ",";
      members += m.value("name", "") + (m.value("kind", "") == "group" ? "/" : "");
    }
    for (const json& s : g.value("servers", json::array())) {
      if (!servers.empty()) servers += ",";
      servers += s.get<std::string>();
    }
    std::string plan = g.value("bandwidth_plan", "");
    if (!plan.empty()) plan += " (" + (g.value("plan_zone", "").empty() ? std::string("UTC") : g.value("plan_zone", "")) + ")";
    rows.push_back({g.value("name", ""), g.value("component", ""), members.empty() ? "-" : members,
                    servers.empty() ? "-" : servers, plan.empty() ? "-" : plan,
                    g.value("description", "")});
  }
  if (rows.size() == 1) {
    ctx.out() << "no groups\n";
    return;
  }
  ctx.print_table(rows);
}

}  // namespace

void register_group_commands(CLI::App& app, CliContext& ctx) {
  auto f = std::make_shared<GroupFlags>();
  auto* group = app.add_subcommand("group", "server groups: add, remove, list, add-member, remove-member");
  group->require_subcommand(1);

  auto* add = group->add_subcommand("add", "add a group");
  add->add_option("name", f->name, "group name")->required();
  add->add_option("--component", f->component, "what a joining server is synced with")
      ->check(CLI::IsMember({"core", "patches", "all"}));
  add->add_option("--description", f->description, "free text");
  add_plan_flags(add, *f);
  add->callback([&ctx, f] {
    json args{{"name", f->name}, {"component", f->component}, {"description", f->description}};
    if (f->plan) args["bandwidth_plan"] = *f->plan;
    if (f->zone) args["plan_zone"] = *f->zone;
    ctx.exit_code = ctx.request(
        "group.add", args,
        [&ctx](const json& r) { ctx.out() << "group " << r.value("group", "") << " added\n"; });
  });

  auto* edit = group->add_subcommand("edit", "set or clear a group's bandwidth plan");
  edit->add_option("name", f->name, "group name")->required();
  add_plan_flags(edit, *f);
  auto* no_plan = edit->add_flag("--no-bandwidth-plan", f->no_plan, "clear the group's plan");
  no_plan->excludes("--bandwidth-plan")->excludes("--zone");
  edit->callback([&ctx, f] {
    if (!f->plan && !f->no_plan) {
      throw CLI::ValidationError("group edit", "give --bandwidth-plan PLAN [--zone ZONE] or --no-bandwidth-plan");
    }
    json args{{"name", f->name}, {"bandwidth_plan", f->no_plan ? std::string() : *f->plan}};
    if (f->zone) args["plan_zone"] = *f->zone;
    ctx.exit_code = ctx.request("group.edit", args, [&ctx](const json& r) {
      const std::string plan = r.value("bandwidth_plan", "");
      const std::string zone = r.value("plan_zone", "");
      ctx.out() << "group " << r.value("group", "")
                << (plan.empty() ? " has no bandwidth plan"
                                 : " bandwidth plan " + plan + " (" + (zone.empty() ? "UTC" : zone) + ")")
                << "\n";
    });
  });

  auto* remove = group->add_subcommand("remove", "remove a group (its servers stay)");
  remove->add_option("name", f->name, "group name")->required();
  remove->callback([&ctx, f] {
    ctx.exit_code = ctx.request("group.remove", {{"name", f->name}}, [&ctx](const json& r) {
      ctx.out() << "group " << r.value("removed", "") << " removed\n";
    });
  });

  auto* list = group->add_subcommand("list", "list groups, their members and servers");
  list->callback([&ctx] {
    ctx.exit_code = ctx.request("group.list", json::object(),
                                [&ctx](const json& r) { print_groups(ctx, r); });
  });

  auto* add_member = group->add_subcommand(
      "add-member", "add a server or group to a group; a joining server is synced at once");
  add_member->add_option("group", f->name, "group name")->required();
  add_member->add_option("member", f->member, "server or group name")->required();
  add_member->callback([&ctx, f] {
    ctx.exit_code = ctx.request(
        "group.add_member", {{"group", f->name}, {"member", f->member}}, [&ctx](const json& r) {
          ctx.out() << r.value("member", "") << " joined group " << r.value("group", "") << "\n";
          for (const json& j : r.value("jobs", json::array())) {
            ctx.out() << "sync " << j.get<std::string>() << " queued (trigger group)\n";
          }
        });
  });

  auto* remove_member = group->add_subcommand("remove-member", "remove a member from a group");
  remove_member->add_option("group", f->name, "group name")->required();
  remove_member->add_option("member", f->member, "server or group name")->required();
  remove_member->callback([&ctx, f] {
    ctx.exit_code = ctx.request(
        "group.remove_member", {{"group", f->name}, {"member", f->member}}, [&ctx](const json& r) {
          ctx.out() << r.value("removed", "") << " left group " << r.value("group", "") << "\n";
        });
  });
}

}  // namespace distsync
