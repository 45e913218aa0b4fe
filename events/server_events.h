// Events about distribution servers: registered, edited, removed.
//
// ServerSpec is the whole record an operator maintains. Credentials never appear here: a
// server names a credential (credential_ref) that the daemon resolves outside the log.
//
// A server on a pool of agents (version 3) keeps its first agent in `agent` and the others,
// in the operator's order, in `more_agents`. `agent` stays what it always was, so a record
// of version 2 needs no translation and code that only asks "which host?" reads one field;
// `pool()` is the whole list for code that spreads work over it. Every agent of a pool
// reaches the same folder root_path (docs/agents.md).
#pragma once

#include <algorithm>
#include <cereal/types/map.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "events/schema.h"

namespace distsync {

struct ServerSpec {
  std::string name;
  std::string root_path;            // absolute; local or a mounted share
  std::string description;
  bool download_source = false;     // R3: serves as the download source; no scheduled syncs
  bool enabled = true;
  std::uint32_t max_parallel_copies = 4;
  std::uint64_t bandwidth_limit_bps = 0;  // bytes per second; 0 = unlimited
  bool verify_after_copy = false;   // re-hash each copied file on the target
  std::string credential_ref;       // name of a credential held outside the log; may be empty
  // Sub-folder under root_path for each component ("patches", "core"); missing keys mirror
  // the console's layout ("Patches", "DataFiles").
  std::map<std::string, std::string> component_dirs;
  // Since version 2: the agent (AgentAllowed name) whose host holds root_path (empty = a
  // folder of this host); a weekly bandwidth plan (projections/calendar/bandwidth_plan.h;
  // empty = none) and the IANA zone its wall times are in (empty = UTC).
  std::string agent;
  std::string bandwidth_plan;
  std::string plan_zone;
  // Since version 3: the pool's agents after `agent` (empty = a server on one agent).
  std::vector<std::string> more_agents;

  // `agent` then `more_agents`; empty for a folder of this host.
  std::vector<std::string> pool() const {
    std::vector<std::string> out;
    if (!agent.empty()) out.push_back(agent);
    out.insert(out.end(), more_agents.begin(), more_agents.end());
    return out;
  }
  bool on_agent(const std::string& name) const {
    return !name.empty() && (agent == name || std::find(more_agents.begin(), more_agents.end(),
                                                        name) != more_agents.end());
  }

  bool operator==(const ServerSpec&) const = default;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ServerSpec>(version);
    ar(CEREAL_NVP(name), CEREAL_NVP(root_path), CEREAL_NVP(description), CEREAL_NVP(download_source),
       CEREAL_NVP(enabled), CEREAL_NVP(max_parallel_copies), CEREAL_NVP(bandwidth_limit_bps),
       CEREAL_NVP(verify_after_copy), CEREAL_NVP(credential_ref), CEREAL_NVP(component_dirs));
    if (version >= 2) ar(CEREAL_NVP(agent), CEREAL_NVP(bandwidth_plan), CEREAL_NVP(plan_zone));
    if (version >= 3) ar(CEREAL_NVP(more_agents));
  }
};

struct ServerAdded {
  static constexpr const char* kType = "ServerAdded";
  ServerSpec server;
  bool operator==(const ServerAdded&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ServerAdded>(version);
    ar(CEREAL_NVP(server));
  }
};

// The whole new record; `previous_name` differs from server.name on a rename.
struct ServerEdited {
  static constexpr const char* kType = "ServerEdited";
  std::string previous_name;
  ServerSpec server;
  bool operator==(const ServerEdited&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ServerEdited>(version);
    ar(CEREAL_NVP(previous_name), CEREAL_NVP(server));
  }
};

struct ServerRemoved {
  static constexpr const char* kType = "ServerRemoved";
  std::string name;
  bool forced = false;  // removed although schedules still named it
  bool operator==(const ServerRemoved&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ServerRemoved>(version);
    ar(CEREAL_NVP(name), CEREAL_NVP(forced));
  }
};

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::ServerSpec, 3);
CEREAL_CLASS_VERSION(distsync::ServerAdded, 1);
CEREAL_CLASS_VERSION(distsync::ServerEdited, 1);
CEREAL_CLASS_VERSION(distsync::ServerRemoved, 1);
