// The two encodings of an Event, both produced by each payload's one cereal serialize().
//
// Log record (binary, stored under the big-endian seq key):
//   record    := prev_hash[32] hash[32] canonical
//   canonical := cereal portable-binary archive of
//                  seq:u64 time_us:i64 console:string correlation:string type:string
//                  payload (class version:u32 then fields, as the type's serialize() writes)
//   hash      := SHA-256(prev_hash || canonical)
// A record's hash can be checked without decoding it.
//
// JSON (bus, exports, control replies): one line, written by the payload's serialize() through
// CompactJsonOutputArchive (events/compact_json_archive.h), byte for byte what cereal's own
// JSON archive writes with its indentation stripped:
//   {"seq":N,"time_us":N,"console":"..","correlation":"..","type":"..",
//    "payload":{"cereal_class_version":V,...},"prev_hash":"<hex>","hash":"<hex>"}
// Decoding JSON re-creates the same Event, so canonical bytes (and the hash) can be recomputed
// from an export. Decoders never trust input: unknown types, newer versions and truncated
// bytes come back as Corruption. Thread-safe (no shared state).
#pragma once

#include <string>
#include <string_view>

#include "events/event.h"
#include "events/result.h"

namespace distsync {

std::string canonical_bytes(const Event& e);
Hash256 compute_hash(const Hash256& prev_hash, const Event& e);

std::string encode_record(const Event& e);
Result<Event> decode_record(std::string_view record);
// The hash a record claims, and the hash its bytes produce; equal for an intact record.
bool record_hash_matches(std::string_view record);

std::string to_json(const Event& e);
Result<Event> from_json(std::string_view json);

// The payload alone, as one line of JSON (for CSV's payload column and human output).
std::string payload_to_json(const EventPayload& payload);

}  // namespace distsync
