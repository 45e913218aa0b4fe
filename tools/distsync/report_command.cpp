// `distsync report [SERVER|GROUP...] [--json | --csv]`: the File Status Report (R10, op "report"):
// which patches of the console's patch download directory are missing, out of date or up to
// date on each server. A table by default (one summary line per server, then one row per
// patch); the daemon's JSON with --json; its CSV (server,patch,status,size) with --csv.
#include "tools/distsync/cli_context.h"

namespace distsync {
namespace {

using nlohmann::json;

struct ReportFlags {
  std::vector<std::string> servers;
  bool csv = false;
};

std::string status_text(const std::string& status) {
  return status == "out_of_date" ? "out of date" : status == "up_to_date" ? "up to date" : status;
}

void print_report(CliContext& ctx, const json& report) {
  for (const json& s : report.value("servers", json::array())) {
    ctx.out() << s.value("server", "") << ": ";
    if (s.contains("error")) {
      ctx.out() << "not listed: " << s.value("error", "") << "\n";
      continue;
    }
    ctx.out() << s.value("missing", 0) << " missing, " << s.value("out_of_date", 0)
              << " out of date, " << s.value("up_to_date", 0) << " up to date";
    if (s.value("corrupt", 0) > 0) ctx.out() << ", " << s.value("corrupt", 0) << " corrupt";
    ctx.out() << "\n";
  }
  std::vector<std::vector<std::string>> rows{{"SERVER", "PATCH", "STATUS", "SIZE"}};
  for (const json& p : report.value("patches", json::array())) {
    rows.push_back({p.value("server", ""), p.value("patch", ""), status_text(p.value("status", "")),
                    std::to_string(p.value("size", std::uint64_t{0}))});
  }
  if (rows.size() == 1) {
    ctx.out() << "no patches to report\n";
    return;
  }
  ctx.out() << "\n";
  ctx.print_table(rows);
}

int run_report(CliContext& ctx, const ReportFlags& flags) {
  if (flags.csv && ctx.json()) {
    throw CLI::ValidationError("--csv", "choose one of --json and --csv");
  }
  json args{{"format", flags.csv ? "csv" : "json"}};
  if (!flags.servers.empty()) {
    // A name may be a group: the report covers its servers.
    auto resolved = ctx.request("group.resolve", {{"names", flags.servers}});
    if (!resolved.ok()) return ctx.fail(resolved.status());
    args["servers"] = resolved->value("servers", json::array());
  }
  auto reply = ctx.request("report", args);
  if (!reply.ok()) return ctx.fail(reply.status());
  if (flags.csv) {
    ctx.out() << reply->value("csv", "") << std::flush;
  } else if (ctx.json()) {
    ctx.print_json_line(*reply);
  } else {
    print_report(ctx, *reply);
  }
  return kExitOk;
}

}  // namespace

void register_report_command(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<ReportFlags>();
  auto* report = app.add_subcommand(
      "report", "File Status Report: missing, out-of-date and up-to-date patches per server");
  report->add_option("servers", flags->servers, "servers to report on (default: all)");
  report->add_flag("--csv", flags->csv, "CSV: server,patch,status,size");
  report->callback([&ctx, flags] { ctx.exit_code = run_report(ctx, *flags); });
}

}  // namespace distsync
