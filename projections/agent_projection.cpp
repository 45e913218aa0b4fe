#include "projections/agent_projection.h"

namespace distsync {

const AgentRecord* AgentState::find_by_key(const std::string& public_key) const {
  for (const auto& [name, rec] : agents.items()) {
    if (rec.public_key == public_key) return &rec;
  }
  return nullptr;
}

void apply(AgentState& state, const Event& e) {
  if (const auto* allowed = e.as<AgentAllowed>()) {
    state.agents.put(allowed->name,
                     AgentRecord{allowed->name, allowed->public_key, e.console, e.time_us});
  } else if (const auto* revoked = e.as<AgentRevoked>()) {
    state.agents.erase(revoked->name);
  }
}

}  // namespace distsync
