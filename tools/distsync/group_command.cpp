// `distsync group add|remove|list|add-member|remove-member`: server groups (ops group.*). A
// group names servers and other groups; `sync`, `report` and schedules may name a group. A
// server that joins a group is synced with the group's component at once (trigger "group");
// add-member prints the jobs it queued. The daemon decides and refuses (a group containing
// itself, a name in use); its one-line refusal is printed as is.
#include "tools/distsync/cli_context.h"

namespace distsync {
namespace {

using nlohmann::json;

struct GroupFlags {
  std::string name;
  std::string member;
  std::string component = "all";
  std::string description;
};

void print_groups(CliContext& ctx, const json& reply) {
  std::vector<std::vector<std::string>> rows{{"GROUP", "COMPONENT", "MEMBERS", "SERVERS", "DESCRIPTION"}};
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
    rows.push_back({g.value("name", ""), g.value("component", ""), members.empty() ? "-" : members,
                    servers.empty() ? "-" : servers, g.value("description", "")});
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
  add->callback([&ctx, f] {
    ctx.exit_code = ctx.request(
        "group.add", {{"name", f->name}, {"component", f->component}, {"description", f->description}},
        [&ctx](const json& r) { ctx.out() << "group " << r.value("group", "") << " added\n"; });
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
