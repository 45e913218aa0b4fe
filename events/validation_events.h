// Events of content validation: the server's files of a component were re-hashed against the
// console's manifest without copying anything. The correlation id is the validation id.
// mismatched: same size and mtime as the console's file, different hash (corrupt); missing:
// on the console, not on the server (or differing in size or mtime); extra: only on the server.
// The *_paths lists name the files (relative to the server root) so that --repair, the File
// Status Report and an auditor can see which ones.
#pragma once

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "events/schema.h"

namespace distsync {

struct ValidationCompleted {
  static constexpr const char* kType = "ValidationCompleted";
  std::string server;
  std::string component;  // core, patches or all
  std::string trigger;    // "cli", "schedule" (a validate schedule fired) or "manual" (its Run now)
  std::uint64_t ok = 0;
  std::uint64_t mismatched = 0;
  std::uint64_t missing = 0;
  std::uint64_t extra = 0;
  std::vector<std::string> mismatched_paths;
  std::vector<std::string> missing_paths;
  std::string error;  // not empty when the server could not be read; the counts are then 0
  bool operator==(const ValidationCompleted&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ValidationCompleted>(version);
    ar(CEREAL_NVP(server), CEREAL_NVP(component), CEREAL_NVP(trigger), CEREAL_NVP(ok),
       CEREAL_NVP(mismatched), CEREAL_NVP(missing), CEREAL_NVP(extra),
       CEREAL_NVP(mismatched_paths), CEREAL_NVP(missing_paths), CEREAL_NVP(error));
  }
};

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::ValidationCompleted, 1);
