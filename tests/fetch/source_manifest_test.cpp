#include "daemon/fetch/source_manifest.h"

#include <gtest/gtest.h>

namespace distsync {
namespace {

const std::string kHash(64, 'a');

TEST(SourceManifestTest, RenderThenParseRoundTrips) {
  SourceManifest m;
  m.files.push_back({"Engines/engine_0.dll", 123, kHash});
  m.files.push_back({"Patches/ä ö \"quoted\".msu", 0, std::string(64, '0')});
  Result<SourceManifest> back = parse_source_manifest(render_source_manifest(m));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, m);
}

TEST(SourceManifestTest, DeeplyNestedManifestIsRefusedBeforeParsing) {
  // rapidjson recurses once per level; 100,000 levels overflowed the stack.
  std::string deep = R"({"format":"distsync-manifest","version":1,"files":)" +
                     std::string(100000, '[') + std::string(100000, ']') + "}";
  Result<SourceManifest> m = parse_source_manifest(deep);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(), "download manifest JSON nested deeper than 64 levels");
}

TEST(SourceManifestTest, ParsesTheDocumentedExampleAndLowercasesDigests) {
  std::string upper(64, 'A');
  Result<SourceManifest> m = parse_source_manifest(
      R"({"format":"distsync-manifest","version":1,"files":[)"
      R"({"path":"Engines/engine_0.dll","size":18446744073709551615,"sha256":")" +
      upper + R"("}]})");
  ASSERT_TRUE(m.ok()) << m.status().to_string();
  ASSERT_EQ(m->files.size(), 1u);
  EXPECT_EQ(m->files[0].size, 18446744073709551615ull);
  EXPECT_EQ(m->files[0].sha256, std::string(64, 'a'));
}

TEST(SourceManifestTest, MalformedDocumentsAreInvalidArgumentsNamingTheDefect) {
  struct Case {
    std::string json;
    std::string expect;
  };
  const std::string head = R"({"format":"distsync-manifest","version":1,"files":)";
  std::vector<Case> cases = {
      {"", "not JSON"},
      {"{\"format\":", "not JSON"},
      {"[]", "not an object"},
      {R"({"format":"other","version":1,"files":[]})", "format"},
      {R"({"format":"distsync-manifest","version":2,"files":[]})", "version 2"},
      {R"({"format":"distsync-manifest","version":"1","files":[]})", "version"},
      {head + "{}}", "\"files\""},
      {head + "[1]}", "files[0] is not an object"},
      {head + R"([{"size":1,"sha256":"x"}]})", "files[0].path"},
      {head + R"([{"path":"a","size":-1,"sha256":"x"}]})", "files[0].size"},
      {head + R"([{"path":"a","size":1.5,"sha256":"x"}]})", "files[0].size"},
      {head + R"([{"path":"a","size":1,"sha256":7}]})", "files[0].sha256"},
  };
  for (const Case& c : cases) {
    Result<SourceManifest> m = parse_source_manifest(c.json);
    ASSERT_FALSE(m.ok()) << c.json;
    EXPECT_EQ(m.status().code(), Status::Code::kInvalidArgument) << c.json;
    EXPECT_NE(m.status().message().find("manifest"), std::string::npos) << c.json;
    EXPECT_NE(m.status().message().find(c.expect), std::string::npos)
        << c.json << " -> " << m.status().message();
  }
}

TEST(SourceManifestTest, SafeRelativePaths) {
  for (const char* ok : {"a", "Engines/engine_0.dll", "a/b/c.txt", "..a", "a..b/c", ".hidden"}) {
    EXPECT_TRUE(is_safe_relative_path(ok)) << ok;
  }
  for (const std::string& bad : std::vector<std::string>{
           "", "/etc/x", "../evil", "a/../../evil", "a/..", "..", ".", "./a", "a//b", "a/", "a\\b",
           "C:evil", "a\nb", std::string("a\0b", 3), "x/.distsync-y.distsync-tmp", "y.distsync-tmp",
           ".distsync-state"}) {
    EXPECT_FALSE(is_safe_relative_path(bad)) << bad;
  }
}

TEST(SourceManifestTest, CheckEntryRefusesBadDigests) {
  EXPECT_TRUE(check_source_entry({"a", 1, kHash}).is_ok());
  EXPECT_FALSE(check_source_entry({"a", 1, std::string(63, 'a')}).is_ok());
  EXPECT_FALSE(check_source_entry({"a", 1, std::string(64, 'g')}).is_ok());
  Status s = check_source_entry({"../evil", 1, kHash});
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("unsafe path"), std::string::npos);
}

TEST(SourceManifestTest, OnlyFilterMatchesWholePathOrLastComponent) {
  EXPECT_TRUE(entry_selected({}, "anything/at/all"));
  std::vector<std::string> only = {"*.msu", "Engines/engine_?.dll", "exact.cab"};
  EXPECT_TRUE(entry_selected(only, "Patches/kb1.msu"));
  EXPECT_TRUE(entry_selected(only, "Engines/engine_1.dll"));
  EXPECT_TRUE(entry_selected(only, "deep/dir/exact.cab"));
  EXPECT_FALSE(entry_selected(only, "Engines/engine_10.dll"));
  EXPECT_FALSE(entry_selected(only, "Patches/kb1.msu.txt"));
  EXPECT_FALSE(entry_selected(only, "other.cab"));
}

}  // namespace
}  // namespace distsync
