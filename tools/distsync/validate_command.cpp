// `distsync validate SERVER|GROUP... [--component core|patches|all] [--repair]`: re-hash the
// servers' files against the console without copying (ops validate.start, validate.status),
// wait for each result and print it: ok, mismatched, missing, extra, then the bad paths.
// --repair queues a sync of exactly the mismatched and missing files (trigger "repair") and
// prints its job id; follow it with `distsync sync job JOB`. Exit 0 when every server is
// intact (or was queued for repair), 1 otherwise.
#include <algorithm>
#include <chrono>
#include <thread>

#include "tools/distsync/cli_context.h"

namespace distsync {
namespace {

using nlohmann::json;

struct ValidateFlags {
  std::vector<std::string> servers;
  std::string component = "all";
  bool repair = false;
};

int run_validate(CliContext& ctx, const ValidateFlags& flags) {
  auto started = ctx.request(
      "validate.start",
      {{"servers", flags.servers}, {"component", flags.component}, {"repair", flags.repair}});
  if (!started.ok()) return ctx.fail(started.status());
  int code = kExitOk;
  json results = json::array();
  for (const json& v : started->value("validations", json::array())) {
    const std::string id = v.value("validation", "");
    json st;
    auto delay = std::chrono::milliseconds(5);
    for (;;) {
      auto r = ctx.request("validate.status", {{"id", id}});
      if (!r.ok()) return ctx.fail(r.status());
      st = *r;
      const std::string state = st.value("state", "");
      if (state == "completed" || state == "failed") break;
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, std::chrono::milliseconds(200));
    }
    results.push_back(st);
    const json res = st.value("result", json::object());
    const bool bad = st.value("state", "") != "completed" || !st.value("error", "").empty() ||
                     res.value("mismatched", 0) > 0 || res.value("missing", 0) > 0;
    if (bad && st.value("repair_job", "").empty()) code = kExitFailure;
    if (ctx.json()) continue;
    if (!st.value("error", "").empty()) {
      ctx.out() << st.value("server", "") << ": not validated: " << st.value("error", "") << "\n";
      continue;
    }
    ctx.out() << st.value("server", "") << ": " << res.value("ok", 0) << " ok, "
              << res.value("mismatched", 0) << " mismatched, " << res.value("missing", 0)
              << " missing, " << res.value("extra", 0) << " extra (" << id << ")\n";
    for (const json& p : res.value("mismatched_paths", json::array())) {
      ctx.out() << "  mismatched  " << p.get<std::string>() << "\n";
    }
    for (const json& p : res.value("missing_paths", json::array())) {
      ctx.out() << "  missing     " << p.get<std::string>() << "\n";
    }
    if (!st.value("repair_job", "").empty()) {
      ctx.out() << "  repair: sync " << st.value("repair_job", "") << " queued\n";
    }
  }
  if (ctx.json()) ctx.print_json_line({{"validations", results}});
  return code;
}

}  // namespace

void register_validate_command(CLI::App& app, CliContext& ctx) {
  auto flags = std::make_shared<ValidateFlags>();
  auto* validate = app.add_subcommand(
      "validate", "re-hash servers' files against the console without copying");
  validate->add_option("servers", flags->servers, "servers or groups to validate")->required();
  validate->add_option("--component", flags->component, "what to check: core, patches or all")
      ->check(CLI::IsMember({"core", "patches", "all"}));
  validate->add_flag("--repair", flags->repair,
                     "queue a sync of exactly the mismatched and missing files");
  validate->callback([&ctx, flags] { ctx.exit_code = run_validate(ctx, *flags); });
}

}  // namespace distsync
