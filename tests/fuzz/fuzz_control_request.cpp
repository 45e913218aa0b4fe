// Fuzzes the control request decoder: RequestRouter::handle() over raw frames, as
// ControlServer passes them. Input: frames separated by '\x01' (one frame: the body, after the
// protocol tag). Property: every input gets exactly one reply, a JSON object with "ok".
#include <nlohmann/json.hpp>

#include "daemon/request_router.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using nlohmann::json;

distsync::RequestRouter make_router() {
  distsync::RequestRouter r;
  // Handlers that copy, read and echo their args, as real ones do.
  r.add("status", [](const json& args) -> distsync::Result<json> { return args; });
  r.add("servers.add", [](const json& args) -> distsync::Result<json> {
    return json{{"name", args.at("name").get<std::string>()},
                {"paths", args.value("paths", json::array())}};
  });
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const distsync::RequestRouter router = make_router();
  std::string_view in = distsync::fuzz::as_text(data, size);
  std::vector<std::string_view> frames;
  if (in.find('\x01') == std::string_view::npos) {
    frames = {distsync::kProtocolTag, in};
  } else {
    for (std::size_t start = 0;;) {
      std::size_t end = in.find('\x01', start);
      frames.push_back(in.substr(start, end - start));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  }
  std::string reply = router.handle(frames, std::size_t{1} << 20);
  json r = json::parse(reply, nullptr, /*allow_exceptions=*/false);
  if (r.is_discarded() || !r.is_object() || !r.contains("ok")) {
    distsync::fuzz::broken("reply is not a JSON object with \"ok\"");
  }
  return 0;
}
