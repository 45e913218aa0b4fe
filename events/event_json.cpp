#include "events/event_json.h"

#include <cereal/archives/json.hpp>
#include <sstream>

#include "events/compact_json_archive.h"
#include "events/json_text.h"

namespace distsync {
// The envelope mirrors save_body() and to_json() in events/codec.cpp, member for member;
// tests/audit/event_json_test.cpp compares the two for every event type.
void EventJsonWriter::append(std::string* out, const Event& e) {
  out->append("{\"seq\":");
  append_json_int(out, e.seq);
  out->append(",\"time_us\":");
  append_json_int(out, e.time_us);
  out->append(",\"console\":");
  append_json_string(out, e.console);
  out->append(",\"correlation\":");
  append_json_string(out, e.correlation);
  out->append(",\"type\":");
  append_json_string(out, e.type());
  out->append(",\"payload\":");
  append_payload(out, e.payload);
  out->append(",\"prev_hash\":\"");
  append_hex(out, e.prev_hash);
  out->append("\",\"hash\":\"");
  append_hex(out, e.hash);
  out->append("\"}");
}

void EventJsonWriter::append_payload(std::string* out, const EventPayload& p) {
  CompactJsonOutputArchive ar(out);
  std::visit([&](const auto& payload) { ar(payload); }, p);
}

std::string payload_json(const EventPayload& p) {
  std::string s;
  EventJsonWriter().append_payload(&s, p);
  return s;
}

Result<EventPayload> payload_from_json(std::string_view type, std::string_view json) {
  auto payload = make_payload(type);
  if (!payload) return Status::corruption("unknown event type '" + std::string(type) + "'");
  if (Status s = check_json_depth(json, "payload"); !s.is_ok()) {
    return Status::corruption(s.message());
  }
  try {
    std::istringstream is("{\"payload\":" + std::string(json) + "}");
    cereal::JSONInputArchive ar(is);
    std::visit([&](auto& p) { ar(cereal::make_nvp("payload", p)); }, *payload);
  } catch (const std::exception& ex) {
    return Status::corruption("payload is not valid " + std::string(type) + " JSON: " + ex.what());
  }
  return std::move(*payload);
}

}  // namespace distsync
