// Events about the console (daemon) itself.
#pragma once

#include <cereal/types/string.hpp>
#include <cstdint>
#include <string>

#include "events/schema.h"

namespace distsync {

struct ConsoleStarted {
  static constexpr const char* kType = "ConsoleStarted";
  std::string version;
  std::string hostname;
  std::int64_t pid = 0;
  bool operator==(const ConsoleStarted&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version_) {
    require_known_version<ConsoleStarted>(version_);
    ar(CEREAL_NVP(version), CEREAL_NVP(hostname), CEREAL_NVP(pid));
  }
};

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::ConsoleStarted, 1);
