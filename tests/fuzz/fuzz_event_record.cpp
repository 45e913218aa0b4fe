// Fuzzes the event record decoder (events/codec.h): a log record's bytes, as LMDB returns
// them. Property: decoding never crashes; a decoded event re-encodes to a record that decodes
// to the same event.
#include "events/codec.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view record = distsync::fuzz::as_text(data, size);
  (void)distsync::record_hash_matches(record);
  auto e = distsync::decode_record(record);
  if (!e.ok()) return 0;
  auto back = distsync::decode_record(distsync::encode_record(*e));
  if (!back.ok()) distsync::fuzz::broken("a re-encoded record does not decode");
  if (!(*back == *e)) distsync::fuzz::broken("decode(encode(e)) != e");
  return 0;
}
