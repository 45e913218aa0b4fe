#include "daemon/handlers/credential_handlers.h"

#include <map>
#include <vector>

#include "daemon/handlers/request_args.h"

namespace distsync {
namespace {

// Servers by the credential they name.
std::map<std::string, std::vector<std::string>> users_of(CommandRunner& runner) {
  return runner.projections().with_state([](const ProjectedState& s) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& [name, rec] : s.servers.servers.items()) {
      if (!rec.spec.credential_ref.empty()) out[rec.spec.credential_ref].push_back(name);
    }
    return out;
  });
}

}  // namespace

void register_credential_handlers(RequestRouter& router, CommandRunner& runner,
                                  CredentialStore& store) {
  router.add("credential.add", [&store](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto name = required_string(args, "name");
    if (!name.ok()) return name.status();
    auto user = optional_string(args, "user", "");  // the store names an empty one
    if (!user.ok()) return user.status();
    auto domain = optional_string(args, "domain", "");
    if (!domain.ok()) return domain.status();
    auto password = optional_string(args, "password", "");
    if (!password.ok()) return password.status();
    Credential c{*name, *user, *domain, *password};
    if (Status s = store.add(c); !s.is_ok()) return s;
    return nlohmann::json{{"credential", c.name}, {"user", c.user}};
  });

  router.add("credential.list", [&runner, &store](const nlohmann::json&) -> Result<nlohmann::json> {
    Result<std::vector<CredentialInfo>> all = store.list();
    if (!all.ok()) return all.status();
    auto users = users_of(runner);
    nlohmann::json list = nlohmann::json::array();
    for (const CredentialInfo& c : *all) {
      list.push_back({{"name", c.name},
                      {"user", c.user},
                      {"domain", c.domain},
                      {"servers", users[c.name]}});
    }
    return nlohmann::json{{"credentials", list}};
  });

  router.add("credential.remove", [&runner, &store](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto arg = required_string(args, "name");
    if (!arg.ok()) return arg.status();
    const std::string& name = *arg;
    auto users = users_of(runner);
    if (auto it = users.find(name); it != users.end()) {
      std::string servers;
      for (const std::string& s : it->second) servers += (servers.empty() ? "" : ", ") + s;
      return Status::conflict("credential '" + name + "' is used by server(s) " + servers +
                              ": give them another credential (`distsync server edit NAME "
                              "--credential OTHER`) or remove them first");
    }
    if (Status s = store.remove(name); !s.is_ok()) return s;
    return nlohmann::json{{"removed", name}};
  });
}

}  // namespace distsync
