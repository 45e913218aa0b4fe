#include "events/chain.h"

#include <cstring>

#include "events/codec.h"

namespace distsync {

ChainVerifier::ChainVerifier(std::uint64_t first_seq, const Hash256& first_prev_hash)
    : anchored_(true), last_seq_(first_seq - 1), last_hash_(first_prev_hash) {}

Status ChainVerifier::check_link(std::uint64_t seq, const Hash256& prev, const Hash256& claimed,
                                 const Hash256& actual) {
  std::string where = "record seq " + std::to_string(seq);
  if (!anchored_) {
    anchored_ = true;
    last_seq_ = seq - 1;
    last_hash_ = prev;
  }
  if (seq != last_seq_ + 1) {
    return Status::corruption(where + ": expected seq " + std::to_string(last_seq_ + 1) +
                              " (a record is missing or out of order)");
  }
  if (prev != last_hash_) {
    return Status::corruption(where + ": prev_hash does not match the hash of seq " +
                              std::to_string(last_seq_) + " (records removed, reordered or replaced)");
  }
  if (claimed != actual) {
    return Status::corruption(where + ": hash does not match its content (the record was altered)");
  }
  last_seq_ = seq;
  last_hash_ = claimed;
  ++count_;
  return Status::ok();
}

Status ChainVerifier::add(const Event& e) {
  return check_link(e.seq, e.prev_hash, e.hash, compute_hash(e.prev_hash, e));
}

Status ChainVerifier::add_record(std::string_view record) {
  auto e = decode_record(record);
  if (!e.ok()) return e.status();
  Hash256 actual = sha256(record.substr(0, 32), record.substr(64));
  return check_link(e->seq, e->prev_hash, e->hash, actual);
}

}  // namespace distsync
