#include "daemon/commands/agent_commands.h"

#include <string_view>

namespace distsync {
namespace {

constexpr std::string_view kZ85 =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

}  // namespace

Status validate_public_key(const std::string& key) {
  if (key.size() != 40 || key.find_first_not_of(kZ85) != std::string::npos) {
    return Status::invalid_argument(
        "public key must be 40 characters of Z85 (the first line 'distsync-agent keygen' "
        "prints); got " + std::to_string(key.size()) + " characters");
  }
  return Status::ok();
}

Status validate_agent_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && name.front() != '.';
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.');
  }
  if (!ok) {
    return Status::invalid_argument("agent name is invalid: use 1-64 letters, digits, '-', '_' "
                                    "or '.', not starting with '.'");
  }
  return Status::ok();
}

Status decide_agent_allow(const ProjectedState& state, const std::string& name,
                          const std::string& public_key, std::vector<EventDraft>* out) {
  if (Status s = validate_agent_name(name); !s.is_ok()) return s;
  if (Status s = validate_public_key(public_key); !s.is_ok()) return s;
  if (const AgentRecord* same = state.agents.find_by_key(public_key)) {
    if (same->name == name) return Status::ok();  // already allowed: nothing to record
    return Status::conflict("that key is already allowed as agent '" + same->name +
                            "'; one key per agent");
  }
  if (state.agents.find(name)) {
    return Status::conflict("agent '" + name +
                            "' is already allowed with another key; revoke it first");
  }
  out->push_back({"", AgentAllowed{name, public_key}});
  return Status::ok();
}

Status decide_agent_revoke(const ProjectedState& state, const std::string& name, bool force,
                           std::vector<EventDraft>* out) {
  if (!state.agents.find(name)) return Status::not_found("no agent named '" + name + "'");
  std::string used;
  for (const auto& [server, rec] : state.servers.servers.items()) {
    if (rec.spec.on_agent(name)) used += (used.empty() ? "" : ", ") + server;
  }
  if (!used.empty() && !force) {
    return Status::conflict("agent '" + name + "' still carries servers: " + used +
                            "; remove them first or use --force");
  }
  out->push_back({"", AgentRevoked{name}});
  return Status::ok();
}

}  // namespace distsync
