// Fuzzes the download manifest parser (daemon/fetch/source_manifest.h). Property: parsing
// never crashes, and a parsed manifest renders to text that parses to the same manifest.
#include "daemon/fetch/source_manifest.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto m = distsync::parse_source_manifest(distsync::fuzz::as_text(data, size));
  if (!m.ok()) return 0;
  for (const distsync::SourceEntry& e : m->files) (void)distsync::check_source_entry(e);
  auto back = distsync::parse_source_manifest(distsync::render_source_manifest(*m));
  if (!back.ok()) distsync::fuzz::broken("a rendered manifest does not parse");
  if (!(*back == *m)) distsync::fuzz::broken("parse(render(m)) != m");
  return 0;
}
