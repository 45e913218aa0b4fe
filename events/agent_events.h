// Events about remote agents (distsync-agent on a distribution server's host): a key that the
// console's agent hub admits, its revocation, and an agent lost (heartbeats stopped past the
// agent_lost_timeout) and back again.
//
// Only CURVE public keys (Z85, 40 characters) are recorded, never a secret key: the log is
// exported to auditors and published on the bus.
#pragma once

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "events/schema.h"

namespace distsync {

// The agent `name` may connect to the console with the CURVE public key `public_key`.
struct AgentAllowed {
  static constexpr const char* kType = "AgentAllowed";
  std::string name;
  std::string public_key;  // Z85 text of the 32-byte CURVE public key
  bool operator==(const AgentAllowed&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<AgentAllowed>(version);
    ar(CEREAL_NVP(name), CEREAL_NVP(public_key));
  }
};

// The agent's key is no longer admitted; a connected agent is disconnected at once.
struct AgentRevoked {
  static constexpr const char* kType = "AgentRevoked";
  std::string name;
  bool operator==(const AgentRevoked&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<AgentRevoked>(version);
    ar(CEREAL_NVP(name));
  }
};

// The console has heard nothing from the agent `agent` since `last_seen_us` (wall clock, the
// console's), longer than the agent_lost_timeout. Recorded once per outage; `servers` are
// the servers on that agent, whose syncs wait for it.
struct AgentLost {
  static constexpr const char* kType = "AgentLost";
  std::string agent;
  std::int64_t last_seen_us = 0;
  std::vector<std::string> servers;
  bool operator==(const AgentLost&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<AgentLost>(version);
    ar(CEREAL_NVP(agent), CEREAL_NVP(last_seen_us), CEREAL_NVP(servers));
  }
};

// A lost agent is connected again (said HELLO); `lost_since_us` is its AgentLost's
// last_seen_us and `address` the peer's IP now.
struct AgentReconnected {
  static constexpr const char* kType = "AgentReconnected";
  std::string agent;
  std::int64_t lost_since_us = 0;
  std::string address;
  bool operator==(const AgentReconnected&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<AgentReconnected>(version);
    ar(CEREAL_NVP(agent), CEREAL_NVP(lost_since_us), CEREAL_NVP(address));
  }
};

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::AgentAllowed, 1);
CEREAL_CLASS_VERSION(distsync::AgentRevoked, 1);
CEREAL_CLASS_VERSION(distsync::AgentLost, 1);
CEREAL_CLASS_VERSION(distsync::AgentReconnected, 1);
