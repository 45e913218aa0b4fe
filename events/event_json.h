// EventJsonWriter: the JSON of an event (and of a payload alone), byte for byte what
// to_json() and payload_to_json() in events/codec.h produce, for export at volume.
//
// Not thread-safe (it reuses scratch buffers); use one per thread.
#pragma once

#include <string>

#include "events/event.h"
#include "events/result.h"

namespace distsync {

class EventJsonWriter {
 public:
  // Appends to_json(e) (without a line end) to `out`.
  void append(std::string* out, const Event& e);
  // Appends payload_to_json(p) to `out`.
  void append_payload(std::string* out, const EventPayload& p);
};

// payload_to_json(p), through the fast writer.
std::string payload_json(const EventPayload& p);

// The inverse of payload_to_json for a payload of the named type (CSV's payload column).
// Corruption for an unknown type or JSON that does not fit it.
[[nodiscard]] Result<EventPayload> payload_from_json(std::string_view type, std::string_view json);

}  // namespace distsync
