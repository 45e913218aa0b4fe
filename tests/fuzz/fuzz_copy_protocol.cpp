// Fuzzes the copy protocol codec (daemon/sync/copy_protocol.h). Input: verb '\n' JSON body.
// Property: decoding never crashes, and a decoded message encodes and decodes to itself.
#include "daemon/sync/copy_protocol.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = distsync::fuzz::as_text(data, size);
  std::size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return 0;
  auto m = distsync::decode_copy_message(in.substr(0, nl), in.substr(nl + 1));
  if (!m.ok()) return 0;
  distsync::EncodedMessage e = distsync::encode_copy_message(*m);
  auto back = distsync::decode_copy_message(e.verb, e.body);
  if (!back.ok()) distsync::fuzz::broken("an encoded message does not decode");
  if (!(*back == *m)) distsync::fuzz::broken("decode(encode(m)) != m");
  return 0;
}
