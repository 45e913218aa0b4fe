#include "events/codec.h"

#include <cereal/archives/json.hpp>
#include <cstring>
#include <sstream>

#include "events/bounded_binary.h"
#include "events/canonical_binary_archive.h"
#include "events/codec_in_place.h"
#include "events/event_json.h"
#include "events/json_text.h"

namespace distsync {
namespace {

constexpr std::size_t kHashBytes = 32;

// Reads a byte range in place: decoding a record copies nothing.
class ViewBuffer : public std::streambuf {
 public:
  void reset(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());
    setg(p, p, p + bytes.size());
  }
};

template <class Archive>
void save_body(Archive& ar, const Event& e) {
  std::string type(e.type());
  ar(cereal::make_nvp("seq", e.seq), cereal::make_nvp("time_us", e.time_us),
     cereal::make_nvp("console", e.console), cereal::make_nvp("correlation", e.correlation),
     cereal::make_nvp("type", type));
  std::visit([&](const auto& p) { ar(cereal::make_nvp("payload", p)); }, e.payload);
}

template <class Archive>
void load_body(Archive& ar, Event* e) {
  std::string type;
  ar(cereal::make_nvp("seq", e->seq), cereal::make_nvp("time_us", e->time_us),
     cereal::make_nvp("console", e->console), cereal::make_nvp("correlation", e->correlation),
     cereal::make_nvp("type", type));
  auto payload = make_payload(type);
  if (!payload) throw cereal::Exception("unknown event type '" + type + "'");
  e->payload = std::move(*payload);
  std::visit([&](auto& p) { ar(cereal::make_nvp("payload", p)); }, e->payload);
}

}  // namespace

void append_canonical_bytes(std::string* out, const Event& e) {
  // The archive (whose class versions are per archive) is made anew for every event.
  CanonicalBinaryOutputArchive ar(out);
  save_body(ar, e);
}

std::string canonical_bytes(const Event& e) {
  std::string out;
  append_canonical_bytes(&out, e);
  return out;
}

Hash256 compute_hash(const Hash256& prev_hash, const Event& e) {
  std::string body = canonical_bytes(e);
  return sha256(std::string_view(reinterpret_cast<const char*>(prev_hash.data()), kHashBytes), body);
}

std::string encode_record(const Event& e) {
  std::string out;
  out.reserve(256);
  out.append(reinterpret_cast<const char*>(e.prev_hash.data()), kHashBytes);
  out.append(reinterpret_cast<const char*>(e.hash.data()), kHashBytes);
  append_canonical_bytes(&out, e);
  return out;
}

Status decode_record_into(std::string_view record, Event* e) {
  if (record.size() < 2 * kHashBytes) {
    return Status::corruption("event record of " + std::to_string(record.size()) +
                              " bytes is shorter than its two hashes");
  }
  std::memcpy(e->prev_hash.data(), record.data(), kHashBytes);
  std::memcpy(e->hash.data(), record.data() + kHashBytes, kHashBytes);
  try {
    // Constructing an istream costs more than decoding a small record: keep one per thread.
    thread_local ViewBuffer buffer;
    thread_local std::istream is(&buffer);
    buffer.reset(record.substr(2 * kHashBytes));
    is.clear();
    cereal::PortableBinaryInputArchive ar(is);
    load_body(ar, e);
  } catch (const std::exception& ex) {
    return Status::corruption(std::string("undecodable event record: ") + ex.what());
  }
  return Status::ok();
}

Result<Event> decode_record(std::string_view record) {
  Event e;
  Status s = decode_record_into(record, &e);
  if (!s.is_ok()) return s;
  return e;
}

bool record_hash_matches(std::string_view record) {
  if (record.size() < 2 * kHashBytes) return false;
  Hash256 h = sha256(record.substr(0, kHashBytes), record.substr(2 * kHashBytes));
  return std::memcmp(h.data(), record.data() + kHashBytes, kHashBytes) == 0;
}

std::string to_json(const Event& e) {
  std::string out;
  EventJsonWriter().append(&out, e);
  return out;
}

Result<Event> from_json(std::string_view json) {
  // rapidjson (under cereal) parses recursively: bound the depth before it runs.
  if (Status s = check_json_depth(json, "event"); !s.is_ok()) {
    return Status::corruption(s.message());
  }
  Event e;
  try {
    std::istringstream is{std::string(json)};
    cereal::JSONInputArchive ar(is);
    load_body(ar, &e);
    std::string prev, hash;
    ar(cereal::make_nvp("prev_hash", prev), cereal::make_nvp("hash", hash));
    auto p = hash_from_hex(prev), h = hash_from_hex(hash);
    if (!p || !h) return Status::corruption("event JSON has a malformed prev_hash or hash");
    e.prev_hash = *p;
    e.hash = *h;
  } catch (const std::exception& ex) {
    return Status::corruption(std::string("undecodable event JSON: ") + ex.what());
  }
  return e;
}

std::string payload_to_json(const EventPayload& payload) { return payload_json(payload); }

}  // namespace distsync
