// Events an operator records about other events: an acknowledgement, as the seed's Event
// History has ("other operators see who acknowledged it").
#pragma once

#include <cereal/types/string.hpp>
#include <cstdint>
#include <string>

#include "events/schema.h"

namespace distsync {

// An operator acknowledged the event `acknowledged_seq` (of type `acknowledged_type`). The
// event's correlation is the acknowledged event's, so it shows in that job's timeline.
struct EventAcknowledged {
  static constexpr const char* kType = "EventAcknowledged";
  std::uint64_t acknowledged_seq = 0;
  std::string acknowledged_type;
  std::string by;    // who acknowledged it, as the operator named themselves
  std::string note;  // optional, one line
  bool operator==(const EventAcknowledged&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<EventAcknowledged>(version);
    ar(CEREAL_NVP(acknowledged_seq), CEREAL_NVP(acknowledged_type), CEREAL_NVP(by),
       CEREAL_NVP(note));
  }
};

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::EventAcknowledged, 1);
