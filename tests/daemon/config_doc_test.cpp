// docs/configuration.md lists every key the config parser reads, and nothing else. The
// parser's keys are taken from its source (each `key == "..."` branch) and checked against the
// parser itself, so a key added to either side without the other fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "daemon/config.h"

namespace distsync {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::set<std::string> matches(const std::string& text, const std::regex& re) {
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    out.insert((*it)[1]);
  }
  return out;
}

TEST(ConfigDocTest, TheDocListsExactlyTheKeysTheParserReads) {
  std::string doc = read(std::string(DISTSYNC_SOURCE_DIR) + "/docs/configuration.md");
  std::string parser = read(std::string(DISTSYNC_SOURCE_DIR) + "/daemon/config.cpp");
  ASSERT_FALSE(doc.empty());
  ASSERT_FALSE(parser.empty());
  std::set<std::string> documented = matches(doc, std::regex(R"(\n\| `([a-z_]+)` \|)"));
  std::set<std::string> parsed = matches(parser, std::regex(R"(key == \"([a-z_]+)\")"));
  EXPECT_EQ(documented, parsed);
  EXPECT_GE(parsed.size(), 18u) << "the source scan found too few keys to be trusted";
}

TEST(ConfigDocTest, EveryDocumentedKeyIsKnownToTheParser) {
  std::string doc = read(std::string(DISTSYNC_SOURCE_DIR) + "/docs/configuration.md");
  for (const std::string& key : matches(doc, std::regex(R"(\n\| `([a-z_]+)` \|)"))) {
    // A boolean is the wrong type for every key: the parser must say so, not "unknown key".
    Result<DaemonConfig> r = apply_toml(DaemonConfig{}, key + " = true\n", "test.toml");
    ASSERT_FALSE(r.ok()) << key;
    EXPECT_EQ(r.status().message().find("unknown key"), std::string::npos)
        << key << ": " << r.status().message();
  }
}

}  // namespace
}  // namespace distsync
