#include "daemon/sync/sync_handlers.h"

namespace distsync {
namespace {

Result<std::string> job_arg(const nlohmann::json& args) {
  auto it = args.find("job");
  if (it == args.end() || !it->is_string() || it->get<std::string>().empty()) {
    return Status::invalid_argument("missing argument 'job'");
  }
  return it->get<std::string>();
}

}  // namespace

void register_sync_handlers(RequestRouter& router, SyncService& service) {
  router.add("sync.cancel", [&service](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto job = job_arg(args);
    if (!job.ok()) return job.status();
    Status s = service.cancel(*job, args.value("reason", "cancelled by operator"));
    if (!s.is_ok()) return s;
    return nlohmann::json{{"cancelled", *job}};
  });
  router.add("sync.jobs", [&service](const nlohmann::json& args) -> Result<nlohmann::json> {
    return nlohmann::json{{"jobs", service.jobs(args.value("all", false))}};
  });
  router.add("sync.job", [&service](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto job = job_arg(args);
    if (!job.ok()) return job.status();
    auto p = service.progress(*job);
    if (!p.ok()) return p.status();
    return progress_json(*p);
  });
  router.add("report", [&service](const nlohmann::json& args) -> Result<nlohmann::json> {
    std::vector<std::string> servers;
    if (auto it = args.find("servers"); it != args.end()) {
      if (!it->is_array()) return Status::invalid_argument("servers must be a list of names");
      for (const auto& s : *it) {
        if (!s.is_string()) return Status::invalid_argument("servers must be a list of names");
        servers.push_back(s.get<std::string>());
      }
    }
    auto report = service.report(servers);
    if (!report.ok()) return report.status();
    if (args.value("format", "json") == "csv") return nlohmann::json{{"csv", report_csv(*report)}};
    return report_json(*report);
  });
}

}  // namespace distsync
