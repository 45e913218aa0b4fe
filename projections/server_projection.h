// Servers: the registered distribution servers, folded from Server* events.
//
// apply() is a pure fold: the state after an event depends only on the state before and the
// event. Value type; the ProjectionSet serializes access.
#pragma once

#include <string>

#include "events/event.h"
#include "projections/entity_store.h"

namespace distsync {

struct ServerRecord {
  ServerSpec spec;
  std::string added_by;      // console id
  std::int64_t added_us = 0;
  std::int64_t changed_us = 0;

  bool operator==(const ServerRecord&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ServerRecord>(version);
    ar(CEREAL_NVP(spec), CEREAL_NVP(added_by), CEREAL_NVP(added_us), CEREAL_NVP(changed_us));
  }
};

struct ServerState {
  EntityStore<ServerRecord> servers{"server/"};

  const ServerRecord* find(const std::string& name) const { return servers.find(name); }
  // The server whose root_path is `path`, if any.
  const ServerRecord* find_by_path(const std::string& path) const;
};

void apply(ServerState& state, const Event& e);

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::ServerRecord, 1);
