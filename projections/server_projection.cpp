#include "projections/server_projection.h"

namespace distsync {

const ServerRecord* ServerState::find_by_path(const std::string& path) const {
  for (const auto& [name, rec] : servers.items()) {
    if (rec.spec.root_path == path) return &rec;
  }
  return nullptr;
}

void apply(ServerState& state, const Event& e) {
  if (const auto* added = e.as<ServerAdded>()) {
    state.servers.put(added->server.name, ServerRecord{added->server, e.console, e.time_us, e.time_us});
  } else if (const auto* edited = e.as<ServerEdited>()) {
    ServerRecord rec;
    if (const ServerRecord* old = state.servers.find(edited->previous_name)) rec = *old;
    rec.spec = edited->server;
    rec.changed_us = e.time_us;
    if (edited->previous_name != edited->server.name) state.servers.erase(edited->previous_name);
    state.servers.put(edited->server.name, rec);
  } else if (const auto* removed = e.as<ServerRemoved>()) {
    state.servers.erase(removed->name);
  }
}

}  // namespace distsync
