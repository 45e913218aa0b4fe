// Content validation: per server, the latest ValidationCompleted and which of its files are
// still corrupt (hash differs although size and mtime agree) or missing.
//
// apply() is a pure fold of the state before, the jobs projection (to find the server of a
// FileCopied) and the event: a FileCopied of a listed path to that server clears it, so the
// File Status Report stops calling a repaired file corrupt. Value type; the ProjectionSet
// serializes access.
#pragma once

#include <cereal/types/set.hpp>
#include <set>
#include <string>

#include "events/event.h"
#include "projections/entity_store.h"
#include "projections/job_projection.h"

namespace distsync {

struct ValidationRecord {
  std::string server;
  std::string id;  // the validation's correlation id
  std::int64_t time_us = 0;
  std::uint64_t ok = 0, mismatched = 0, missing = 0, extra = 0;
  std::set<std::string> corrupt;        // paths relative to the server root, not yet repaired
  std::set<std::string> missing_paths;  // idem

  bool operator==(const ValidationRecord&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ValidationRecord>(version);
    ar(CEREAL_NVP(server), CEREAL_NVP(id), CEREAL_NVP(time_us), CEREAL_NVP(ok),
       CEREAL_NVP(mismatched), CEREAL_NVP(missing), CEREAL_NVP(extra), CEREAL_NVP(corrupt),
       CEREAL_NVP(missing_paths));
  }
};

struct ValidationState {
  EntityStore<ValidationRecord> latest{"validation/"};  // by server name

  const ValidationRecord* find(const std::string& server) const { return latest.find(server); }
};

void apply(ValidationState& state, const JobState& jobs, const Event& e);

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::ValidationRecord, 1);
