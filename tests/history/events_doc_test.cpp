// docs/events.md documents every event type with the JSON of its payload. This test keeps it
// in step with the code: the JSON of each type's sample payload (tests/support/sample_events.h)
// must appear, byte for byte, in the ```json block under the type's "### <Type>" heading. A
// type that is missing or whose fields changed fails with the block the doc should hold.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "events/catalog.h"
#include "events/codec.h"
#include "tests/support/sample_events.h"

namespace distsync {
namespace {

std::string read_doc() {
  std::ifstream in(std::string(DISTSYNC_SOURCE_DIR) + "/docs/events.md");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The ```json block after "### <type>", or nullopt.
std::optional<std::string> doc_block(const std::string& doc, std::string_view type) {
  const std::string heading = "\n### " + std::string(type) + "\n";
  auto h = doc.find(heading);
  if (h == std::string::npos) return std::nullopt;
  auto next_heading = doc.find("\n### ", h + heading.size());
  auto open = doc.find("```json\n", h);
  if (open == std::string::npos || (next_heading != std::string::npos && open > next_heading))
    return std::nullopt;
  open += 8;
  auto close = doc.find("\n```", open);
  if (close == std::string::npos) return std::nullopt;
  return doc.substr(open, close - open);
}

TEST(EventsDocTest, EveryTypeIsDocumentedWithItsCurrentJson) {
  const std::string doc = read_doc();
  ASSERT_FALSE(doc.empty()) << "docs/events.md is missing";
  std::map<std::string, std::string> samples;
  for (const EventPayload& p : testing::sample_payloads())
    samples[std::string(type_name(p))] = payload_to_json(p);
  ASSERT_EQ(samples.size(), all_event_types().size()) << "sample_events.h lacks a type";
  std::string fix;
  for (std::string_view type : all_event_types()) {
    const std::string& expected = samples[std::string(type)];
    auto block = doc_block(doc, type);
    if (!block || *block != expected) {
      fix += "\n### " + std::string(type) + "\n...\n```json\n" + expected + "\n```\n";
    }
  }
  EXPECT_TRUE(fix.empty())
      << "docs/events.md is out of step with the event catalogue; it should hold:\n"
      << fix;
}

TEST(EventsDocTest, NoDocumentedTypeIsUnknown) {
  const std::string doc = read_doc();
  std::size_t pos = 0;
  while ((pos = doc.find("\n### ", pos)) != std::string::npos) {
    pos += 5;
    std::string type = doc.substr(pos, doc.find('\n', pos) - pos);
    EXPECT_TRUE(make_payload(type).has_value()) << "docs/events.md documents unknown type " << type;
  }
}

}  // namespace
}  // namespace distsync
