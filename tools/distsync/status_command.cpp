// `distsync status`: the daemon's identity, head and pending work.
#include "tools/distsync/cli_context.h"

namespace distsync {
namespace {

std::string scalar(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

int run_status(CliContext& ctx) {
  auto status = ctx.request("status");
  if (!status.ok()) return ctx.fail(status.status());
  if (ctx.json()) {
    ctx.print_json_line(*status);
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows;
  for (const char* key : {"console_id", "version", "last_seq", "uptime_s", "data_dir",
                          "control_endpoint", "bus_endpoint"}) {
    if (status->contains(key)) rows.push_back({key, scalar((*status)[key])});
  }
  if (status->contains("pending") && (*status)["pending"].is_object()) {
    for (const auto& [k, v] : (*status)["pending"].items())
      rows.push_back({"pending." + k, scalar(v)});
  }
  ctx.print_table(rows);
  return kExitOk;
}

}  // namespace

void register_status_command(CLI::App& app, CliContext& ctx) {
  auto* cmd = app.add_subcommand("status", "show the daemon's console, head and pending work");
  cmd->callback([&ctx] { ctx.exit_code = run_status(ctx); });
}

}  // namespace distsync
