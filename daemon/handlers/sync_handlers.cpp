#include "daemon/handlers/sync_handlers.h"

#include "daemon/commands/group_commands.h"
#include "daemon/commands/sync_commands.h"
#include "daemon/handlers/request_args.h"

namespace distsync {
namespace {

Result<nlohmann::json> sync_start(CommandRunner& runner, const nlohmann::json& args) {
  auto servers = optional_string_list(args, "servers", "names");
  if (!servers.ok()) return servers.status();
  if (servers->empty()) return Status::invalid_argument("name at least one server to sync");
  auto component = optional_string(args, "component", "all");
  if (!component.ok()) return component.status();
  auto verify = optional_bool(args, "verify", false);
  if (!verify.ok()) return verify.status();
  auto prune = optional_bool(args, "prune", false);
  if (!prune.ok()) return prune.status();
  auto force_prune = optional_bool(args, "force_prune", false);
  if (!force_prune.ok()) return force_prune.status();
  SyncRequest base;
  base.component = *component;
  base.verify = *verify;
  base.prune = *prune || *force_prune;
  base.force_prune = *force_prune;
  base.trigger = "cli";
  nlohmann::json jobs = nlohmann::json::array();
  auto r = runner.run([&](const ProjectedState& st, auto* out) -> Status {
    jobs = nlohmann::json::array();
    // A name may be a group: each of its servers is synced.
    Result<std::vector<std::string>> targets = resolve_server_names(st, *servers);
    if (!targets.ok()) return targets.status();
    for (const std::string& server : *targets) {
      SyncRequest req = base;
      req.server = server;
      std::string job;
      bool joined = false;
      Status s = decide_sync_enqueue(st, req, *out, out, &job, &joined);
      if (!s.is_ok()) return s;
      jobs.push_back({{"server", server}, {"job", job}, {"joined", joined}});
    }
    return Status::ok();
  });
  if (!r.ok()) return r.status();
  return nlohmann::json{{"jobs", jobs}};
}

}  // namespace

void register_sync_handlers(RequestRouter& router, CommandRunner& runner, SyncService& service) {
  router.add("sync.start", [&runner](const nlohmann::json& args) { return sync_start(runner, args); });
  router.add("sync.cancel", [&service](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto job = required_string(args, "job");
    if (!job.ok()) return job.status();
    auto reason = optional_string(args, "reason", "cancelled by operator");
    if (!reason.ok()) return reason.status();
    Status s = service.cancel(*job, *reason);
    if (!s.is_ok()) return s;
    return nlohmann::json{{"cancelled", *job}};
  });
  router.add("sync.jobs", [&service](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto all = optional_bool(args, "all", false);
    if (!all.ok()) return all.status();
    return nlohmann::json{{"jobs", service.jobs(*all)}};
  });
  router.add("sync.job", [&service](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto job = required_string(args, "job");
    if (!job.ok()) return job.status();
    auto p = service.progress(*job);
    if (!p.ok()) return p.status();
    return progress_json(*p);
  });
  router.add("report", [&service](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto servers = optional_string_list(args, "servers", "names");
    if (!servers.ok()) return servers.status();
    auto format = optional_string(args, "format", "json");
    if (!format.ok()) return format.status();
    auto report = service.report(*servers);
    if (!report.ok()) return report.status();
    if (*format == "csv") return nlohmann::json{{"csv", report_csv(*report)}};
    return report_json(*report);
  });
}

}  // namespace distsync
