// The JSON of an event as cereal's own JSONOutputArchive writes it, indentation stripped: the
// reference the fast writer (events/event_json.h) must match byte for byte.
#pragma once

#include <cereal/archives/json.hpp>
#include <sstream>
#include <string>

#include "events/event.h"

namespace distsync::testing {

inline std::string strip_json_indentation(const std::string& pretty) {
  std::string out;
  bool in_string = false, escaped = false;
  for (char c : pretty) {
    if (in_string) {
      out += c;
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '\n' || c == ' ' || c == '\t') continue;
    out += c;
  }
  return out;
}

inline std::string reference_payload_json(const EventPayload& payload) {
  std::ostringstream os;
  {
    cereal::JSONOutputArchive ar(os);
    std::visit([&](const auto& p) { ar(cereal::make_nvp("payload", p)); }, payload);
  }
  std::string line = strip_json_indentation(os.str());
  const std::string prefix = "{\"payload\":";
  return line.substr(prefix.size(), line.size() - prefix.size() - 1);
}

inline std::string reference_event_json(const Event& e) {
  std::ostringstream os;
  {
    cereal::JSONOutputArchive ar(os);
    std::string type(e.type()), prev = to_hex(e.prev_hash), hash = to_hex(e.hash);
    ar(cereal::make_nvp("seq", e.seq), cereal::make_nvp("time_us", e.time_us),
       cereal::make_nvp("console", e.console), cereal::make_nvp("correlation", e.correlation),
       cereal::make_nvp("type", type));
    std::visit([&](const auto& p) { ar(cereal::make_nvp("payload", p)); }, e.payload);
    ar(cereal::make_nvp("prev_hash", prev), cereal::make_nvp("hash", hash));
  }
  return strip_json_indentation(os.str());
}

}  // namespace distsync::testing
