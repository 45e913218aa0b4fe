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
  } else if (const auto* lost = e.as<AgentLost>()) {
    if (AgentRecord* rec = state.agents.find_mutable(lost->agent)) {  // live agents only
      rec->lost = true;
      rec->lost_since_us = lost->last_seen_us;
    }
  } else if (const auto* back = e.as<AgentReconnected>()) {
    if (AgentRecord* rec = state.agents.find_mutable(back->agent)) {
      rec->lost = false;
      rec->lost_since_us = 0;
    }
  }
}

}  // namespace distsync
