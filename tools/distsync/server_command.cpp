// `distsync server add|edit|remove|list|show`: the server registry (ops server.*). Flags become the
// ServerSpec fields the daemon's handlers read; the daemon decides and refuses (R3, names in
// use, a server that schedules still name), and its one-line refusal is printed as is.
#include <cstdlib>

#include "daemon/commands/server_limits.h"
#include "daemon/content/normal_path.h"
#include "tools/distsync/cli_context.h"
#include "tools/distsync/cli_time.h"

namespace distsync {
namespace {

using nlohmann::json;

// Every flag is optional so that `edit` sends only what the operator named.
struct ServerFlags {
  std::string name;
  std::optional<std::string> path;
  std::optional<std::string> description;
  bool download_source = false;
  bool not_download_source = false;
  bool disabled = false;
  bool enable = false;
  std::optional<std::uint32_t> max_parallel;
  std::optional<std::string> bandwidth;
  bool verify = false;
  bool no_verify = false;
  std::optional<std::string> credential;
  std::vector<std::string> dirs;
  std::optional<std::string> rename;
  bool force = false;
  std::optional<std::string> as_of;
  std::vector<std::string> agents;  // --agent, once per agent of the pool
  std::optional<std::string> plan;
  std::optional<std::string> plan_zone;
};

// "1048576", "512K", "10M", "1G" (binary multiples) -> bytes per second; 0 = unlimited.
std::optional<std::uint64_t> parse_bandwidth(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::uint64_t unit = 1;
  std::string digits = text;
  switch (std::toupper(static_cast<unsigned char>(text.back()))) {
    case 'K':
      unit = 1ULL << 10;
      break;
    case 'M':
      unit = 1ULL << 20;
      break;
    case 'G':
      unit = 1ULL << 30;
      break;
    default:
      break;
  }
  if (unit != 1) digits.pop_back();
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
      digits.size() > 13) {
    return std::nullopt;
  }
  // Refused, never wrapped: the daemon's range is the only one (kMaxBandwidthBps).
  std::uint64_t n = std::stoull(digits);
  if (n > kMaxBandwidthBps / unit) return std::nullopt;
  return n * unit;
}

// The spec fields the flags set, as a JSON object (ServerSpec's field names).
json spec_changes(const ServerFlags& f) {
  json j = json::object();
  if (f.path) j["root_path"] = *f.path;
  if (f.description) j["description"] = *f.description;
  if (f.download_source) j["download_source"] = true;
  if (f.not_download_source) j["download_source"] = false;
  if (f.disabled) j["enabled"] = false;
  if (f.enable) j["enabled"] = true;
  if (f.max_parallel) j["max_parallel_copies"] = *f.max_parallel;
  if (f.bandwidth) {
    auto bps = parse_bandwidth(*f.bandwidth);
    if (!bps) {
      throw CLI::ValidationError(
          "--bandwidth",
          "'" + *f.bandwidth +
              "' is not a byte rate from 0 (unlimited) to 1024G; use e.g. 1048576, 512K, 10M or 0");
    }
    j["bandwidth_limit_bps"] = *bps;
  }
  if (f.verify) j["verify_after_copy"] = true;
  if (f.no_verify) j["verify_after_copy"] = false;
  if (f.credential) j["credential_ref"] = *f.credential;
  if (!f.dirs.empty()) {
    // ServerSpec's map, as cereal writes it: [{"key": component, "value": folder}].
    json dirs = json::array();
    for (const std::string& d : f.dirs) {
      auto eq = d.find('=');
      std::string component = d.substr(0, eq);
      if (eq == std::string::npos || eq + 1 == d.size() ||
          (component != "patches" && component != "core")) {
        throw CLI::ValidationError("--dir", "'" + d + "' must be patches=SUBDIR or core=SUBDIR");
      }
      dirs.push_back({{"key", component}, {"value", d.substr(eq + 1)}});
    }
    j["component_dirs"] = dirs;
  }
  if (f.rename) j["name"] = *f.rename;
  if (!f.agents.empty()) {
    // The first agent is the record's `agent`, the rest of the pool `more_agents`.
    j["agent"] = f.agents.front();
    j["more_agents"] = std::vector<std::string>(f.agents.begin() + 1, f.agents.end());
  }
  if (f.plan) j["bandwidth_plan"] = *f.plan;
  if (f.plan_zone) j["plan_zone"] = *f.plan_zone;
  return j;
}

void add_spec_flags(CLI::App* cmd, ServerFlags& f, bool edit) {
  auto* path = cmd->add_option(
      "--path", f.path,
      "the server's root folder: absolute, or a share smb://host[:port]/share/dir or "
      "\\\\host\\share\\dir");
  if (!edit) path->required();
  cmd->add_option("--description", f.description, "free text shown in lists");
  cmd->add_option("--agent", f.agents,
                  "the server is on this distsync-agent's host (--path is a path there); "
                  "repeat for a pool of agents that all reach that folder")
      ->allow_extra_args(false);
  cmd->add_flag("--download-source", f.download_source,
                "the server is the patch download source (no scheduled syncs, R3)");
  cmd->add_flag("--disabled,--disable", f.disabled, "registered but not synced");
  cmd->add_option("--max-parallel", f.max_parallel,
                  "parallel file copies (1-" + std::to_string(kMaxParallelCopies) + ")")
      ->check(CLI::Range(std::uint32_t{1}, kMaxParallelCopies));
  cmd->add_option("--bandwidth", f.bandwidth,
                  "bytes per second: 1048576, 512K, 10M, up to 1024G; 0 = unlimited");
  cmd->add_option("--bandwidth-plan", f.plan,
                  "weekly plan, e.g. \"mon-fri 08:00-18:00 2M; closed sat 00:00-06:00; * 0\" "
                  "(\"\" = none; see docs/rate-windows.md)");
  cmd->add_option("--plan-zone", f.plan_zone, "IANA zone of the plan's times (default UTC)");
  cmd->add_flag("--verify", f.verify, "re-hash every copied file on the server");
  cmd->add_option("--credential", f.credential,
                  "name of a stored credential (`distsync credential add`) to reach the share");
  cmd->add_option("--dir", f.dirs, "component folder: patches=SUBDIR or core=SUBDIR")
      ->allow_extra_args(false);
  if (edit) {
    cmd->add_flag("--enable", f.enable, "enable a disabled server");
    cmd->add_flag("--no-download-source", f.not_download_source, "no longer the download source");
    cmd->add_flag("--no-verify", f.no_verify, "stop re-hashing copied files");
    cmd->add_option("--rename", f.rename, "new name");
  }
}

std::string yes_no(const json& v) { return v.is_boolean() && v.get<bool>() ? "yes" : "no"; }

std::string bandwidth_text(std::uint64_t bps) {
  if (bps == 0) return "unlimited";
  if (bps % (1ULL << 20) == 0) return std::to_string(bps >> 20) + "M/s";
  if (bps % (1ULL << 10) == 0) return std::to_string(bps >> 10) + "K/s";
  return std::to_string(bps) + "B/s";
}

// "site-a, site-b" (the pool in its order), or "-" for a folder of this host.
std::string agents_text(const json& server) {
  std::string out;
  for (const json& a : server.value("agents", json::array())) {
    if (!out.empty()) out += ", ";
    out += printable(a.is_string() ? a.get<std::string>() : "");
  }
  return out.empty() ? "-" : out;
}

int print_appended(CliContext& ctx, const json& reply, const std::string& what) {
  if (ctx.json()) {
    ctx.print_json_line(reply);
  } else {
    ctx.out() << what << " (seq " << reply["appended"].value("last_seq", std::uint64_t{0}) << ")\n";
  }
  return kExitOk;
}

int run_add(CliContext& ctx, const ServerFlags& f) {
  json spec = spec_changes(f);
  spec["name"] = f.name;
  auto reply = ctx.request("server.add", json{{"server", spec}});
  if (!reply.ok()) return ctx.fail(reply.status());
  return print_appended(ctx, *reply, "added server " + f.name);
}

int run_edit(CliContext& ctx, const ServerFlags& f) {
  json changes = spec_changes(f);
  if (f.disabled && f.enable) throw CLI::ValidationError("--enable", "conflicts with --disable");
  if (changes.empty()) throw CLI::ValidationError("server edit", "name at least one change");
  auto reply = ctx.request("server.edit", json{{"name", f.name}, {"changes", changes}});
  if (!reply.ok()) return ctx.fail(reply.status());
  return print_appended(ctx, *reply, "edited server " + f.name);
}

int run_remove(CliContext& ctx, const ServerFlags& f) {
  auto reply = ctx.request("server.remove", json{{"name", f.name}, {"force", f.force}});
  if (!reply.ok()) return ctx.fail(reply.status());
  return print_appended(ctx, *reply, "removed server " + f.name);
}

int run_list(CliContext& ctx, const ServerFlags& f) {
  json args = json::object();
  if (f.as_of) {
    auto as_of = as_of_arg(*f.as_of, cli_zone(ctx));
    if (!as_of.ok()) throw CLI::ValidationError("--as-of", as_of.status().message());
    args["as_of"] = *as_of;
  }
  auto reply = ctx.request("server.list", args);
  if (!reply.ok()) return ctx.fail(reply.status());
  if (ctx.json()) {
    // ASCII only: JSON escapes C0 controls itself, but a C1 control (U+009B, CSI) is valid
    // UTF-8 it would pass through to a terminal.
    ctx.out() << reply->dump(-1, ' ', true, json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"NAME", "PATH", "ENABLED", "SOURCE", "PARALLEL",
                                                 "BANDWIDTH", "VERIFY", "SCHEDULES", "ADDED BY"}};
  // Records from before paths were validated may hold control characters: never print them
  // raw, or a path could rewrite the operator's terminal.
  auto text = [](const json& s, const char* key) { return printable(s.value(key, "")); };
  for (const json& s : (*reply)["servers"]) {
    rows.push_back({text(s, "name"), text(s, "root_path"), yes_no(s["enabled"]),
                    yes_no(s["download_source"]),
                    std::to_string(s.value("max_parallel_copies", 0u)),
                    bandwidth_text(s.value("bandwidth_limit_bps", std::uint64_t{0})),
                    yes_no(s["verify_after_copy"]), std::to_string(s.value("schedules", 0u)),
                    text(s, "added_by")});
  }
  ctx.print_table(rows);
  if (f.as_of) ctx.out() << "as of seq " << reply->value("as_of_seq", std::uint64_t{0}) << "\n";
  return kExitOk;
}

int run_show(CliContext& ctx, const ServerFlags& f) {
  auto reply = ctx.request("server.show", json{{"name", f.name}});
  if (!reply.ok()) return ctx.fail(reply.status());
  if (ctx.json()) {
    ctx.out() << reply->dump(-1, ' ', true, json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  const json& s = (*reply)["server"];
  const json& r = (*reply)["rate_now"];
  auto text = [](const json& j, const char* key) { return printable(j.value(key, "")); };
  std::string group_plans;
  for (const json& g : r.value("group_plans", json::array())) {
    group_plans += (group_plans.empty() ? "" : ", ") + printable(g.get<std::string>());
  }
  if (group_plans.empty()) group_plans = "-";
  const json by = r.value("set_by", json::object());
  const std::string set_by = by.value("kind", "") == "group" ? "group " + printable(by.value("name", ""))
                                                             : std::string("the server");
  ctx.out() << "server " << text(s, "name") << "\n"
            << "  path            " << text(s, "root_path") << "\n"
            << "  agents          " << agents_text(s) << "\n"
            << "  enabled         " << yes_no(s["enabled"]) << "\n"
            << "  bandwidth       " << bandwidth_text(s.value("bandwidth_limit_bps", std::uint64_t{0})) << "\n"
            << "  bandwidth plan  " << (s.value("bandwidth_plan", "").empty() ? "-" : text(s, "bandwidth_plan"))
            << " (" << (s.value("plan_zone", "").empty() ? std::string("UTC") : text(s, "plan_zone")) << ")\n"
            << "  group plans     " << group_plans << "\n"
            << "  in force now    "
            << (r.value("closed", false) ? "closed" : bandwidth_text(r.value("bandwidth_bps", std::uint64_t{0})))
            << " (" << text(r, "source") << ", from " << set_by << ")\n"
            << "  next change     "
            << (r.contains("next_change_us")
                    ? format_local_minute(r.value("next_change_us", std::int64_t{0}), r.value("zone", "UTC")) +
                          " " + r.value("zone", "UTC") + " (" +
                          format_local_minute(r.value("next_change_us", std::int64_t{0}), "UTC") + " UTC)"
                    : std::string("none within 8 days"))
            << "\n";
  return kExitOk;
}

}  // namespace

void register_server_commands(CLI::App& app, CliContext& ctx) {
  auto* server =
      app.add_subcommand("server", "register, edit, remove and list distribution servers");
  server->require_subcommand(1);

  auto add_flags = std::make_shared<ServerFlags>();
  auto* add = server->add_subcommand("add", "register a distribution server");
  add->add_option("name", add_flags->name, "server name")->required();
  add_spec_flags(add, *add_flags, false);
  add->callback([&ctx, add_flags] { ctx.exit_code = run_add(ctx, *add_flags); });

  auto edit_flags = std::make_shared<ServerFlags>();
  auto* edit = server->add_subcommand("edit", "change a server's settings");
  edit->add_option("name", edit_flags->name, "server name")->required();
  add_spec_flags(edit, *edit_flags, true);
  edit->callback([&ctx, edit_flags] { ctx.exit_code = run_edit(ctx, *edit_flags); });

  auto remove_flags = std::make_shared<ServerFlags>();
  auto* remove = server->add_subcommand("remove", "unregister a server");
  remove->add_option("name", remove_flags->name, "server name")->required();
  remove->add_flag("--force", remove_flags->force, "remove although schedules still name it");
  remove->callback([&ctx, remove_flags] { ctx.exit_code = run_remove(ctx, *remove_flags); });

  auto list_flags = std::make_shared<ServerFlags>();
  auto* list = server->add_subcommand("list", "list registered servers");
  list->add_option("--as-of", list_flags->as_of,
                   "as the registry was then: #SEQ, ISO 8601, local \"YYYY-MM-DD HH:MM\" or 7d");
  list->callback([&ctx, list_flags] { ctx.exit_code = run_list(ctx, *list_flags); });

  auto show_flags = std::make_shared<ServerFlags>();
  auto* show = server->add_subcommand("show", "one server, with the bandwidth in force now");
  show->add_option("name", show_flags->name, "server name")->required();
  show->callback([&ctx, show_flags] { ctx.exit_code = run_show(ctx, *show_flags); });
}

}  // namespace distsync
