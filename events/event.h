// Event: one fact in the log, with its envelope.
//
// The log assigns seq (gap-free from 1), time_us (UTC microseconds, never decreasing), and the
// hash chain: hash = SHA-256(prev_hash || canonical_bytes(event)), where the canonical bytes
// cover every field but the two hashes (see events/codec.h). Writers hand the log EventDrafts;
// everything else in the envelope is the log's to fill. Value types, thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/catalog.h"
#include "events/hash.h"

namespace distsync {

struct EventDraft {
  std::string correlation;  // job, download or schedule id; may be empty
  EventPayload payload;
};

struct Event {
  std::uint64_t seq = 0;
  std::int64_t time_us = 0;
  std::string console;
  std::string correlation;
  EventPayload payload;
  Hash256 prev_hash{};
  Hash256 hash{};

  std::string_view type() const { return type_name(payload); }
  template <typename T>
  const T* as() const { return std::get_if<T>(&payload); }
  bool operator==(const Event&) const = default;
};

}  // namespace distsync
