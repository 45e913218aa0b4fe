#include "daemon/handlers/server_handlers.h"

#include "daemon/commands/server_commands.h"
#include "daemon/history/as_of.h"
#include "daemon/handlers/json_bridge.h"
#include "daemon/handlers/request_args.h"
#include "daemon/wall_clock.h"

namespace distsync {
namespace {

nlohmann::json appended(const Result<AppendResult>& r) {
  return {{"first_seq", r->first_seq}, {"last_seq", r->last_seq}};
}

// The named credential exists. A value outside the name grammar is left to the command,
// which refuses it without echoing it (it may be a password typed in the wrong place).
Status check_credential(const CredentialStore* credentials, const nlohmann::json& spec) {
  auto it = spec.find("credential_ref");
  if (it == spec.end() || !it->is_string()) return Status::ok();
  const std::string name = it->get<std::string>();
  if (name.empty() || !valid_credential_name(name)) return Status::ok();
  // The value is not repeated: a password typed here by mistake may fit the grammar.
  const std::string none =
      "--credential names no stored credential (the value was not recorded): see `distsync "
      "credential list`, or add it first with `distsync credential add NAME --user U`";
  if (credentials == nullptr) return Status::not_found(none);
  Result<Credential> found = credentials->find(name);
  if (found.ok()) return Status::ok();
  if (found.status().code() == Status::Code::kNotFound) return Status::not_found(none);
  return found.status();
}

}  // namespace

nlohmann::json server_json(const ServerRecord& rec) {
  nlohmann::json j = without_versions(to_json_value(rec.spec));
  j["agents"] = rec.spec.pool();  // the whole pool, `agent` first
  j["added_by"] = rec.added_by;
  j["added_us"] = rec.added_us;
  return j;
}

void register_server_handlers(RequestRouter& router, CommandRunner& runner,
                              const CredentialStore* credentials) {
  router.add("server.add", [&runner, credentials](const nlohmann::json& args) -> Result<nlohmann::json> {
    if (Status c = check_credential(credentials, args.value("server", nlohmann::json::object()));
        !c.is_ok()) {
      return c;
    }
    ServerSpec spec;
    Status s = merge_json(args.value("server", nlohmann::json::object()), &spec, "server");
    if (!s.is_ok()) return s;
    auto r = runner.run([&](const ProjectedState& st, auto* out) { return decide_server_add(st, spec, out); });
    if (!r.ok()) return r.status();
    return nlohmann::json{{"server", spec.name}, {"appended", appended(r)}};
  });

  router.add("server.edit", [&runner, credentials](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto name = required_string(args, "name");
    if (!name.ok()) return name.status();
    if (Status c = check_credential(credentials, args.value("changes", nlohmann::json::object()));
        !c.is_ok()) {
      return c;
    }
    ServerSpec spec;
    auto r = runner.run([&](const ProjectedState& st, auto* out) -> Status {
      const ServerRecord* rec = st.servers.find(*name);
      if (!rec) return Status::not_found("no server named '" + *name + "'");
      spec = rec->spec;
      Status merged = merge_json(args.value("changes", nlohmann::json::object()), &spec, "server");
      if (!merged.is_ok()) return merged;
      return decide_server_edit(st, *name, spec, out);
    });
    if (!r.ok()) return r.status();
    return nlohmann::json{{"server", server_json(ServerRecord{spec, "", 0, 0})}, {"appended", appended(r)}};
  });

  router.add("server.remove", [&runner](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto name = required_string(args, "name");
    if (!name.ok()) return name.status();
    auto force = optional_bool(args, "force", false);
    if (!force.ok()) return force.status();
    auto r = runner.run([&](const ProjectedState& st, auto* out) {
      return decide_server_remove(st, *name, *force, out);
    });
    if (!r.ok()) return r.status();
    return nlohmann::json{{"removed", *name}, {"appended", appended(r)}};
  });

  router.add("server.list", [&runner](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto list = [](const ProjectedState& st) {
      nlohmann::json servers = nlohmann::json::array();
      for (const auto& [name, rec] : st.servers.servers.items()) {
        nlohmann::json j = server_json(rec);
        j["schedules"] = st.schedules.for_server(name).size();
        servers.push_back(j);
      }
      return nlohmann::json{{"servers", servers}, {"as_of_seq", st.seq}};
    };
    auto as_of = optional_string(args, "as_of", "");
    if (!as_of.ok()) return as_of.status();
    if (!as_of->empty()) {
      auto seq = resolve_as_of(runner.log(), *as_of, wall_clock_us());
      if (!seq.ok()) return seq.status();
      auto state = state_as_of(runner.log(), *seq);
      if (!state.ok()) return state.status();
      return list(**state);
    }
    return runner.read(list);
  });
}

}  // namespace distsync
