#include "daemon/handlers/sync_start_handler.h"

#include "daemon/commands/group_commands.h"
#include "daemon/commands/sync_commands.h"

namespace distsync {

void register_sync_start_handler(RequestRouter& router, CommandRunner& runner) {
  router.add("sync.start", [&runner](const nlohmann::json& args) -> Result<nlohmann::json> {
    std::vector<std::string> servers;
    if (auto it = args.find("servers"); it != args.end() && it->is_array()) {
      for (const auto& s : *it) {
        if (!s.is_string()) return Status::invalid_argument("servers must be a list of names");
        servers.push_back(s.get<std::string>());
      }
    }
    if (servers.empty()) return Status::invalid_argument("name at least one server to sync");
    SyncRequest base;
    base.component = args.value("component", "all");
    base.verify = args.value("verify", false);
    base.prune = args.value("prune", false);
    base.force_prune = args.value("force_prune", false);
    if (base.force_prune) base.prune = true;
    base.trigger = "cli";
    nlohmann::json jobs = nlohmann::json::array();
    auto r = runner.run([&](const ProjectedState& st, auto* out) -> Status {
      jobs = nlohmann::json::array();
      // A name may be a group: each of its servers is synced.
      Result<std::vector<std::string>> targets = resolve_server_names(st, servers);
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
  });
}

}  // namespace distsync
