// `distsync agent allow|revoke|list`: the console's allowlist of distsync-agent keys (ops
// agent.*). Public keys only; the daemon validates them and records AgentAllowed /
// AgentRevoked.
#include "daemon/content/normal_path.h"
#include "tools/distsync/cli_context.h"

namespace distsync {
namespace {

using nlohmann::json;

struct AgentFlags {
  std::string name;
  std::string key;
  bool force = false;
};

std::string seen(std::uint64_t us) { return us == 0 ? "never" : format_time_us(static_cast<std::int64_t>(us)); }

}  // namespace

void register_agent_commands(CLI::App& app, CliContext& ctx) {
  auto* agent = app.add_subcommand("agent", "allow, revoke and list remote distsync-agents");
  agent->require_subcommand(1);

  auto f = std::make_shared<AgentFlags>();
  auto* allow = agent->add_subcommand("allow", "admit an agent's CURVE public key");
  allow->add_option("name", f->name, "agent name")->required();
  allow->add_option("public_key", f->key, "the key 'distsync-agent keygen' printed")->required();
  allow->callback([&ctx, f] {
    ctx.exit_code = ctx.request("agent.allow", {{"name", f->name}, {"public_key", f->key}},
                                [&ctx, f](const json& r) {
                                  ctx.out() << "allowed agent " << f->name << " (key "
                                            << r.value("fingerprint", "") << ")\n"
                                            << "console key: " << r.value("console_key", "")
                                            << "\nagent endpoint: "
                                            << r.value("endpoint", "(agent_endpoint not set)")
                                            << "\n";
                                });
  });

  auto* revoke = agent->add_subcommand("revoke", "stop admitting an agent; disconnects it");
  revoke->add_option("name", f->name, "agent name")->required();
  revoke->add_flag("--force", f->force, "revoke although servers are on it");
  revoke->callback([&ctx, f] {
    ctx.exit_code = ctx.request("agent.revoke", {{"name", f->name}, {"force", f->force}},
                                [&ctx, f](const json&) {
                                  ctx.out() << "revoked agent " << f->name << "\n";
                                });
  });

  auto* list = agent->add_subcommand("list", "agents, key fingerprints, presence, servers");
  list->callback([&ctx] {
    ctx.exit_code = ctx.request("agent.list", json::object(), [&ctx](const json& r) {
      std::vector<std::vector<std::string>> rows = {
          {"NAME", "KEY", "STATE", "ADDRESS", "LAST HEARTBEAT", "VERSION", "SERVERS"}};
      for (const json& a : r["agents"]) {
        std::string servers;
        for (const json& s : a["servers"]) servers += (servers.empty() ? "" : ",") + s.get<std::string>();
        rows.push_back({printable(a.value("name", "")), a.value("fingerprint", ""),
                        // lost: AgentLost recorded and no AgentReconnected since
                        a.value("lost", false)        ? "lost"
                        : a.value("connected", false) ? "connected"
                                                      : "not connected",
                        printable(a.value("address", "")),
                        seen(a.value("last_seen_us", std::uint64_t{0})),
                        printable(a.value("version", "")), printable(servers)});
      }
      ctx.print_table(rows);
      ctx.out() << "console key: " << r.value("console_key", "") << "\n"
                << "agent endpoint: " << r.value("endpoint", "") << "\n";
    });
  });
}

}  // namespace distsync
