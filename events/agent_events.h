// Events about remote agents (distsync-agent on a distribution server's host): a key that the
// console's agent hub admits, and its revocation.
//
// Only CURVE public keys (Z85, 40 characters) are recorded, never a secret key: the log is
// exported to auditors and published on the bus.
#pragma once

#include <cereal/types/string.hpp>
#include <string>

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

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::AgentAllowed, 1);
CEREAL_CLASS_VERSION(distsync::AgentRevoked, 1);
