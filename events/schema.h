// Schema versioning shared by every serialized type.
//
// Each type declares its version with CEREAL_CLASS_VERSION right below its definition, and
// its serialize() begins with `require_known_version<T>(version)`: a record written by a newer
// build (a version this build does not know) is refused as corruption rather than misread.
// Cereal writes the version into both the binary and the JSON forms.
#pragma once

#include <cereal/cereal.hpp>
#include <cereal/details/traits.hpp>
#include <cstdint>
#include <string>

namespace distsync {

template <typename T>
void require_known_version(std::uint32_t version) {
  const std::uint32_t known = cereal::detail::Version<T>::version;
  if (version > known) {
    throw cereal::Exception("schema version " + std::to_string(version) + " of a record is newer than " +
                            std::to_string(known) + ", the newest this build knows; upgrade distsync");
  }
}

}  // namespace distsync
