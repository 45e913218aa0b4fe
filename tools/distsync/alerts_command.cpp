// `distsync alerts status [--limit N]`: the alert rules of the daemon's config and the recent
// deliveries (op alerts.status): state, attempts, the last attempt's status and when the next
// one is due. Read-only; takes --json like every read command.
#include "tools/distsync/cli_context.h"

namespace distsync {
namespace {

using nlohmann::json;

void print_status(CliContext& ctx, const json& r) {
  const json rules = r.value("rules", json::array());
  if (rules.empty()) {
    ctx.out() << "no alert rules configured (add [[alerts]] tables to the config; see "
                 "docs/alerts.md)\n";
    return;
  }
  std::vector<std::vector<std::string>> rule_rows{{"RULE", "KIND", "EVENTS", "ATTEMPTS"}};
  for (const json& rule : rules) {
    std::string events;
    for (const json& e : rule.value("events", json::array())) {
      events += (events.empty() ? "" : ",") + e.get<std::string>();
    }
    rule_rows.push_back({rule.value("name", ""), rule.value("kind", ""), events,
                         std::to_string(rule.value("max_attempts", 0))});
  }
  ctx.print_table(rule_rows);
  ctx.out() << "\n";
  std::vector<std::vector<std::string>> rows{
      {"ID", "RULE", "EVENT", "SEQ", "STATE", "ATTEMPTS", "LAST STATUS", "NEXT ATTEMPT"}};
  for (const json& d : r.value("deliveries", json::array())) {
    const std::int64_t next = d.value("next_attempt_us", std::int64_t{0});
    rows.push_back({d.value("id", ""), d.value("rule", ""), d.value("event_type", ""),
                    std::to_string(d.value("event_seq", std::uint64_t{0})), d.value("state", ""),
                    std::to_string(d.value("attempts", 0)) + "/" +
                        std::to_string(d.value("max_attempts", 0)),
                    d.value("last_status", ""), next > 0 ? format_time_us(next) : "-"});
  }
  if (rows.size() == 1) {
    ctx.out() << "no alerts since the daemon started\n";
  } else {
    ctx.print_table(rows);
  }
  if (r.value("dropped", 0) > 0) {
    ctx.out() << r.value("dropped", 0) << " alerts dropped: too many were waiting\n";
  }
}

}  // namespace

void register_alerts_commands(CLI::App& app, CliContext& ctx) {
  auto* alerts = app.add_subcommand("alerts", "alert rules and deliveries (webhooks, hooks)");
  alerts->require_subcommand(1);
  auto limit = std::make_shared<std::uint64_t>(0);
  auto* status = alerts->add_subcommand(
      "status", "rules, and recent deliveries with attempts, last status and next attempt");
  status->add_option("--limit", *limit, "show at most this many of the latest deliveries");
  status->callback([&ctx, limit] {
    json args = json::object();
    if (*limit > 0) args["limit"] = *limit;
    ctx.exit_code =
        ctx.request("alerts.status", args, [&ctx](const json& r) { print_status(ctx, r); });
  });
}

}  // namespace distsync
