#include "daemon/content/normal_path.h"

#include <gtest/gtest.h>

#include "daemon/content/safe_path.h"

namespace distsync {
namespace {

using Kind = NormalPath::Kind;

std::string normal(std::string_view raw, Kind kind = Kind::kAbsolute) {
  Result<NormalPath> p = NormalPath::parse(raw, kind, "server path");
  return p.ok() ? p->str() : "refused: " + p.status().message();
}

TEST(NormalPathTest, CollapsesSlashesDotsAndTrailingSlash) {
  EXPECT_EQ(normal("/srv/a"), "/srv/a");
  EXPECT_EQ(normal("/srv//a/"), "/srv/a");
  EXPECT_EQ(normal("//srv/./a/./"), "/srv/a");
  EXPECT_EQ(normal("/"), "/");
  EXPECT_EQ(normal("///"), "/");
  EXPECT_EQ(normal("a//b/./c/", Kind::kRelative), "a/b/c");
  EXPECT_EQ(normal("./a", Kind::kRelative), "a");
  EXPECT_EQ(normal("a..b/.hidden/c..", Kind::kRelative), "a..b/.hidden/c..");
  EXPECT_EQ(normal("/srv/Patch\xc3\xa9s"), "/srv/Patch\xc3\xa9s") << "UTF-8 is fine";
}

TEST(NormalPathTest, RefusesEachDefectWithOneLineNamingTheCause) {
  struct Case {
    std::string raw;
    Kind kind;
    std::string cause;
  };
  const Case cases[] = {
      {"", Kind::kAbsolute, "server path is empty"},
      {"/srv/a/zz/../d6", Kind::kAbsolute, "has a '..' component"},
      {"/..", Kind::kAbsolute, "has a '..' component"},
      {"a/../b", Kind::kRelative, "has a '..' component"},
      {std::string("/srv/a\0b", 8), Kind::kAbsolute, "control character 0x00"},
      {"/srv/a\nb", Kind::kAbsolute, "control character 0x0a"},
      {"/srv/\x1b[31mred", Kind::kAbsolute, "control character 0x1b"},
      {"/srv/del\x7f", Kind::kAbsolute, "control character 0x7f"},
      {"/srv/csi\xc2\x9b"
       "31m",
       Kind::kAbsolute, "control character U+009B"},
      {"/srv/nel\xc2\x85", Kind::kAbsolute, "control character U+0085"},
      {"/srv/latin1\xe9", Kind::kAbsolute, "byte 0xe9 that is not UTF-8"},
      {"/srv/overlong\xc0\xaf", Kind::kAbsolute, "byte 0xc0 that is not UTF-8"},
      {"/srv/" + std::string(256, 'n'), Kind::kAbsolute, "component of 256 bytes"},
      {"/" + std::string(4096, 'p'), Kind::kAbsolute, "4097 bytes long; the limit is 4096"},
      {"srv/a", Kind::kAbsolute, "is not absolute"},
      {"/srv/a", Kind::kRelative, "is absolute"},
      {".", Kind::kRelative, "names no folder"},
  };
  for (const Case& c : cases) {
    Result<NormalPath> p = NormalPath::parse(c.raw, c.kind, "server path");
    ASSERT_FALSE(p.ok()) << printable(c.raw);
    EXPECT_EQ(p.status().code(), Status::Code::kInvalidArgument);
    const std::string& m = p.status().message();
    EXPECT_NE(m.find(c.cause), std::string::npos) << m;
    EXPECT_EQ(text_defect(m), "") << "the message itself is safe to print: " << printable(m);
    EXPECT_LT(m.size(), 400u) << "a huge value is cut in the message";
  }
  EXPECT_EQ(normal("/" + std::string(255, 'n')), "/" + std::string(255, 'n'));
}

TEST(NormalPathTest, WithinComparesWholeComponents) {
  auto p = [](const char* s) { return *NormalPath::parse(s, Kind::kAbsolute, "p"); };
  EXPECT_TRUE(p("/srv/a/b").is_within(p("/srv/a")));
  EXPECT_TRUE(p("/srv/a").is_within(p("/srv/a/")));
  EXPECT_FALSE(p("/srv/ab").is_within(p("/srv/a")));
  EXPECT_FALSE(p("/srv/a").is_within(p("/srv/a/b")));
  EXPECT_TRUE(p("/srv").is_within(p("/")));
  EXPECT_TRUE(p("/srv/a//d6/").is_within(p("/srv/a")));
}

TEST(NormalPathTest, PrintableEscapesWhatATerminalWouldObeyAndKeepsTheRest) {
  EXPECT_EQ(printable("plain /srv/Patch\xc3\xa9s"), "plain /srv/Patch\xc3\xa9s");
  EXPECT_EQ(printable("a\nb\x1b[2Jc"), "a\\x0ab\\x1b[2Jc");
  EXPECT_EQ(printable("csi\xc2\x9b"), "csi\\xc2\\x9b");
  EXPECT_EQ(printable("bad\xff"
                      "A"),
            "bad\\xffA");
  EXPECT_EQ(printable("lead\xc2"
                      "A"),
            "lead\\xc2A")
      << "a broken lead byte eats nothing";
  EXPECT_EQ(printable(std::string("nul\0", 4)), "nul\\x00");
  EXPECT_EQ(text_defect("ok text"), "");
  EXPECT_EQ(shown(std::string(500, 'x')).size(), 123u);
}

TEST(NormalPathTest, ContentPathsFollowTheSameCharacterAndLengthRules) {
  EXPECT_EQ(check_content_path("a/csi\xc2\x9b").message(), "control character U+009B in name");
  EXPECT_EQ(check_content_path("a/\xe9t\xe9").message(), "byte 0xe9 that is not UTF-8 in name");
  EXPECT_EQ(check_content_path(std::string(256, 'n')).message(), "name longer than 255 bytes");
  std::string deep;
  for (int i = 0; i < 500; ++i) deep += "dddddddd/";
  EXPECT_EQ(check_content_path(deep + "f").message(), "path longer than 4096 bytes");
  EXPECT_TRUE(check_content_path("Patches/" + std::string(255, 'n')).is_ok());
}

}  // namespace
}  // namespace distsync
