// ChainVerifier: checks a run of events, in order, against the hash chain.
//
// Feed events (or raw log records) one by one. The verifier checks that sequence numbers
// are gap-free, that each prev_hash is the previous event's hash, and that each hash is the
// SHA-256 of prev_hash and the event's canonical bytes. The first failure is kept and names
// the record. A sub-range starts from its first record's prev_hash. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/event.h"
#include "events/status.h"

namespace distsync {

class ChainVerifier {
 public:
  ChainVerifier() = default;
  // Anchors the chain: the first event must have this seq and prev_hash.
  ChainVerifier(std::uint64_t first_seq, const Hash256& first_prev_hash);

  Status add(const Event& e);
  Status add_record(std::string_view record);  // a binary log record (see codec.h)

  std::uint64_t count() const { return count_; }
  std::uint64_t last_seq() const { return last_seq_; }
  const Hash256& last_hash() const { return last_hash_; }

 private:
  Status check_link(std::uint64_t seq, const Hash256& prev, const Hash256& claimed, const Hash256& actual);

  bool anchored_ = false;
  std::uint64_t count_ = 0;
  std::uint64_t last_seq_ = 0;
  Hash256 last_hash_{};
};

}  // namespace distsync
