// Fuzzes the TOML config loader (daemon/config.h, apply_toml). Property: loading never
// crashes; any text is a config or an InvalidArgument naming the file.
#include "daemon/config.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const distsync::DaemonConfig base = distsync::default_config();
  auto c = distsync::apply_toml(base, distsync::fuzz::as_text(data, size), "fuzz.toml");
  if (!c.ok() && c.status().code() != distsync::Status::Code::kInvalidArgument) {
    distsync::fuzz::broken("a config error that is not InvalidArgument");
  }
  return 0;
}
