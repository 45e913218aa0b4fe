#include "daemon/handlers/validation_handlers.h"

#include "daemon/commands/group_commands.h"
#include "daemon/commands/ids.h"
#include "daemon/commands/sync_commands.h"
#include "daemon/handlers/json_bridge.h"

namespace distsync {

using nlohmann::json;

void register_validation_handlers(RequestRouter& router, CommandRunner& runner,
                                  ValidationService& service) {
  router.add("validate.start", [&runner, &service](const json& args) -> Result<json> {
    std::vector<std::string> names;
    if (auto it = args.find("servers"); it != args.end() && it->is_array()) {
      for (const auto& s : *it) {
        if (!s.is_string()) return Status::invalid_argument("servers must be a list of names");
        names.push_back(s.get<std::string>());
      }
    }
    if (names.empty()) return Status::invalid_argument("name at least one server to validate");
    if (!args.value("component", json("all")).is_string()) {
      return Status::invalid_argument("component must be a string");
    }
    std::string component = args.value("component", "all");
    if (!valid_component(component)) {
      return Status::invalid_argument("unknown component '" + component +
                                      "': use core, patches or all");
    }
    bool repair = args.value("repair", false);
    auto servers = runner.read(
        [&](const ProjectedState& st) { return resolve_server_names(st, names); });
    if (!servers.ok()) return servers.status();
    std::vector<ValidationRequest> requests;
    json started = json::array();
    for (const std::string& s : *servers) {
      ValidationRequest r{new_id("val"), s, component, "cli", repair};
      started.push_back({{"server", s}, {"validation", r.id}});
      requests.push_back(std::move(r));
    }
    service.submit(std::move(requests));
    return json{{"validations", started}};
  });
  router.add("validate.status", [&service](const json& args) -> Result<json> {
    if (!args.contains("id") || !args["id"].is_string()) {
      return Status::invalid_argument("missing argument 'id'");
    }
    const std::string id = args["id"].get<std::string>();
    std::optional<ValidationStatus> st = service.status(id);
    if (!st) return Status::not_found("no validation '" + id + "' ran since the daemon started");
    json j{{"validation", id}, {"server", st->server}, {"state", st->state}};
    if (!st->error.empty()) j["error"] = st->error;
    if (st->state == "completed") {
      j["result"] = without_versions(to_json_value(st->result));
      if (!st->repair_job.empty()) j["repair_job"] = st->repair_job;
    }
    return j;
  });
}

}  // namespace distsync
