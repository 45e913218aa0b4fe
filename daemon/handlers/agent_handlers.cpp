#include "daemon/handlers/agent_handlers.h"

#include "daemon/commands/agent_commands.h"
#include "events/hash.h"

namespace distsync {
namespace {

Result<std::string> string_arg(const nlohmann::json& args, const char* key) {
  auto it = args.find(key);
  if (it == args.end() || !it->is_string() || it->get<std::string>().empty()) {
    return Status::invalid_argument(std::string("missing argument '") + key + "'");
  }
  return it->get<std::string>();
}

nlohmann::json appended(const Result<AppendResult>& r) {
  return {{"first_seq", r->first_seq}, {"last_seq", r->last_seq}};
}

std::string fingerprint(const std::string& key) { return to_hex(sha256(key)).substr(0, 12); }

}  // namespace

void register_agent_handlers(RequestRouter& router, CommandRunner& runner,
                             std::function<nlohmann::json()> live) {
  router.add("agent.allow", [&runner, live](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto name = string_arg(args, "name");
    if (!name.ok()) return name.status();
    auto key = string_arg(args, "public_key");
    if (!key.ok()) return key.status();
    auto r = runner.run([&](const ProjectedState& st, auto* out) {
      return decide_agent_allow(st, *name, *key, out);
    });
    if (!r.ok()) return r.status();
    nlohmann::json hub = live ? live() : nlohmann::json::object();
    return nlohmann::json{{"agent", *name},
                          {"fingerprint", fingerprint(*key)},
                          {"console_key", hub.value("console_key", "")},
                          {"endpoint", hub.value("endpoint", "")},
                          {"appended", appended(r)}};
  });

  router.add("agent.revoke", [&runner](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto name = string_arg(args, "name");
    if (!name.ok()) return name.status();
    bool force = args.value("force", false);
    auto r = runner.run([&](const ProjectedState& st, auto* out) {
      return decide_agent_revoke(st, *name, force, out);
    });
    if (!r.ok()) return r.status();
    return nlohmann::json{{"revoked", *name}, {"appended", appended(r)}};
  });

  router.add("agent.list", [&runner, live](const nlohmann::json&) -> Result<nlohmann::json> {
    nlohmann::json hub = live ? live() : nlohmann::json::object();
    std::map<std::string, nlohmann::json> present;
    for (const auto& a : hub.value("agents", nlohmann::json::array())) {
      present[a.value("name", "")] = a;
    }
    return runner.read([&](const ProjectedState& st) {
      nlohmann::json agents = nlohmann::json::array();
      for (const auto& [name, rec] : st.agents.agents.items()) {
        nlohmann::json servers = nlohmann::json::array();
        for (const auto& [server, srec] : st.servers.servers.items()) {
          if (srec.spec.on_agent(name)) servers.push_back(server);
        }
        nlohmann::json j = {{"name", name},
                            {"public_key", rec.public_key},
                            {"fingerprint", fingerprint(rec.public_key)},
                            {"allowed_by", rec.allowed_by},
                            {"allowed_us", rec.allowed_us},
                            {"servers", servers},
                            {"connected", false},
                            {"address", ""},
                            {"version", ""},
                            {"folders", nlohmann::json::array()},
                            {"last_seen_us", 0},
                            {"lost", rec.lost}};
        if (rec.lost) j["lost_since_us"] = rec.lost_since_us;
        if (auto it = present.find(name); it != present.end()) {
          for (const char* k : {"connected", "address", "version", "folders", "last_seen_us"}) {
            if (it->second.contains(k)) j[k] = it->second[k];
          }
        }
        agents.push_back(j);
      }
      return nlohmann::json{{"agents", agents},
                            {"endpoint", hub.value("endpoint", "")},
                            {"console_key", hub.value("console_key", "")},
                            {"refused_frames", hub.value("refused_frames", std::uint64_t{0})},
                            {"dropped_frames", hub.value("dropped_frames", std::uint64_t{0})}};
    });
  });
}

}  // namespace distsync
