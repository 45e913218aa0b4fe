// Events of the prune guard: a job that was asked to prune either removed the files only on
// the server (FilesPruned, one per component folder, naming each path) or found that the
// prune would remove too much and stopped before removing anything (PruneRefused, followed by
// the job's SyncFailed). The correlation id of the envelope is the job id.
#pragma once

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "events/schema.h"

namespace distsync {

struct PruneRefused {
  static constexpr const char* kType = "PruneRefused";
  std::string folder;                 // component folder on the server: "Patches"
  std::uint64_t would_remove = 0;     // files only on the server
  std::uint64_t files_on_server = 0;  // files the folder holds now
  std::uint32_t limit_percent = 0;    // the guard's limits in force
  std::uint64_t limit_files = 0;
  bool operator==(const PruneRefused&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<PruneRefused>(version);
    ar(CEREAL_NVP(folder), CEREAL_NVP(would_remove), CEREAL_NVP(files_on_server),
       CEREAL_NVP(limit_percent), CEREAL_NVP(limit_files));
  }
};

struct FilesPruned {
  static constexpr const char* kType = "FilesPruned";
  std::string folder;                // component folder on the server
  std::vector<std::string> removed;  // relative to the folder
  std::uint64_t failed = 0;          // extras that could not be removed
  bool forced = false;               // past the guard's limits (--force-prune)
  bool operator==(const FilesPruned&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<FilesPruned>(version);
    ar(CEREAL_NVP(folder), CEREAL_NVP(removed), CEREAL_NVP(failed), CEREAL_NVP(forced));
  }
};

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::PruneRefused, 1);
CEREAL_CLASS_VERSION(distsync::FilesPruned, 1);
