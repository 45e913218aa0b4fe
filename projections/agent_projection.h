// Agents: the remote agents the console admits, folded from AgentAllowed / AgentRevoked, and
// whether each is lost now (AgentLost / AgentReconnected).
//
// Only names and CURVE public keys; a revoked agent is erased, so `agents` is exactly the
// allowlist the agent hub's ZAP handler admits. apply() is a pure fold. Value type; the
// ProjectionSet serializes access.
#pragma once

#include <string>

#include "events/event.h"
#include "projections/entity_store.h"

namespace distsync {

struct AgentRecord {
  std::string name;
  std::string public_key;  // Z85
  std::string allowed_by;  // console id
  std::int64_t allowed_us = 0;
  // Since version 2: an AgentLost not followed by AgentReconnected, and its last_seen_us.
  bool lost = false;
  std::int64_t lost_since_us = 0;

  bool operator==(const AgentRecord&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<AgentRecord>(version);
    ar(CEREAL_NVP(name), CEREAL_NVP(public_key), CEREAL_NVP(allowed_by), CEREAL_NVP(allowed_us));
    if (version >= 2) ar(CEREAL_NVP(lost), CEREAL_NVP(lost_since_us));
  }
};

struct AgentState {
  EntityStore<AgentRecord> agents{"agent/"};

  const AgentRecord* find(const std::string& name) const { return agents.find(name); }
  // The agent holding `public_key`, if any.
  const AgentRecord* find_by_key(const std::string& public_key) const;
};

void apply(AgentState& state, const Event& e);

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::AgentRecord, 2);
