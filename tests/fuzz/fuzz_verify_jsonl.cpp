// Fuzzes the JSONL export verifier (events/audit/verify.h) over an export's text. Property:
// verification never crashes and always ends in one of the documented exit codes.
#include <sstream>

#include "events/audit/verify.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in{std::string(distsync::fuzz::as_text(data, size))};
  distsync::VerifyReport r = distsync::verify_export(in, distsync::ExportFormat::kJsonl, {});
  int code = r.exit_code();
  if (code < 0 || code > 4) distsync::fuzz::broken("exit code outside 0-4");
  (void)r.summary();
  return 0;
}
