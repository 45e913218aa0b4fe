#include "daemon/fetch/source_location.h"

#include <gtest/gtest.h>

namespace distsync {
namespace {

using Kind = SourceLocation::Kind;

TEST(SourceLocationTest, PlainPathsAreDirectories) {
  Result<SourceLocation> l = parse_source_location("/srv/patches");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->kind, Kind::kDirectory);
  EXPECT_EQ(l->root, "/srv/patches");
  EXPECT_EQ(parse_source_location("relative/dir")->root, "relative/dir");
}

TEST(SourceLocationTest, FileUrlsAreDecodedToDirectories) {
  Result<SourceLocation> l = parse_source_location("file:///srv/my%20patches");
  ASSERT_TRUE(l.ok()) << l.status().to_string();
  EXPECT_EQ(l->kind, Kind::kDirectory);
  EXPECT_EQ(l->root, "/srv/my patches");
  EXPECT_EQ(parse_source_location("FILE://localhost/x")->root, "/x");
  EXPECT_FALSE(parse_source_location("file://otherhost/x").ok());
  EXPECT_FALSE(parse_source_location("file:///bad%2").ok());
  EXPECT_FALSE(parse_source_location("file:///nul%00").ok());
}

TEST(SourceLocationTest, HttpRootsLoseTrailingSlashes) {
  Result<SourceLocation> l = parse_source_location("https://example.com/defs//");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->kind, Kind::kHttp);
  EXPECT_EQ(l->root, "https://example.com/defs");
  EXPECT_EQ(http_url_for(*l, "Engines/a b#1.dll"),
            "https://example.com/defs/Engines/a%20b%231.dll");
}

TEST(SourceLocationTest, RefusesEmptyAndOtherSchemes) {
  for (const char* bad : {"", "ftp://host/x", "http://", "http:///path"}) {
    Result<SourceLocation> l = parse_source_location(bad);
    ASSERT_FALSE(l.ok()) << bad;
    EXPECT_EQ(l.status().code(), Status::Code::kInvalidArgument);
  }
}

TEST(SourceLocationTest, UrlsThatMayCarryASecretAreRefusedWithoutShowingIt) {
  struct Case {
    const char* url;
    const char* cause;
  };
  const Case cases[] = {
      {"https://updates.example.com/defs?token=S3CRET-T0KEN", "may not carry a query string"},
      {"https://updates.example.com/defs?a=1&token=S3CRET-T0KEN#x", "may not carry a query string"},
      {"https://updates.example.com/defs#S3CRET-T0KEN", "may not carry a fragment"},
      {"https://admin:S3CRET-T0KEN@updates.example.com/defs", "may not carry user info"},
      {"http://S3CRET-T0KEN@updates.example.com/defs", "may not carry user info"},
      {"file:///srv/defs?token=S3CRET-T0KEN", "may not carry a query string"},
      {"ftp://u:S3CRET-T0KEN@host/x", "may not carry user info"},
  };
  for (const Case& c : cases) {
    Result<SourceLocation> l = parse_source_location(c.url);
    ASSERT_FALSE(l.ok()) << c.url;
    EXPECT_EQ(l.status().code(), Status::Code::kInvalidArgument);
    const std::string& m = l.status().message();
    EXPECT_NE(m.find(c.cause), std::string::npos) << m;
    EXPECT_NE(m.find("secrets never go into the log"), std::string::npos) << m;
    EXPECT_EQ(m.find("S3CRET"), std::string::npos) << "the refusal echoes the secret: " << m;
    EXPECT_EQ(check_source_url_secrets(c.url).message(), m);
  }
  EXPECT_NE(parse_source_location("https://updates.example.com/defs?token=x")
                .status()
                .message()
                .find("https://updates.example.com/defs may not"),
            std::string::npos)
      << "names the URL without the refused part";
  EXPECT_TRUE(check_source_url_secrets("/srv/odd?name#dir").is_ok()) << "directories may";
}

TEST(SourceLocationTest, PathsOfSourcesAreNormalPaths) {
  for (const char* bad : {"/srv/../etc", "/srv/a\nb", "file:///srv/%2e%2e/etc", "file:///srv/a%0ab",
                          "file:///srv/%1b[2J", "https://h/a/../b",
                          "https://h/a%0d%0aX-Injected: 1", "https://h/a\x1b[31m"}) {
    std::string spec = bad;
    Result<SourceLocation> l = parse_source_location(spec);
    ASSERT_FALSE(l.ok()) << bad;
    EXPECT_EQ(l.status().code(), Status::Code::kInvalidArgument) << bad;
    EXPECT_EQ(l.status().message().find('\n'), std::string::npos) << l.status().message();
    EXPECT_EQ(l.status().message().find('\x1b'), std::string::npos) << l.status().message();
  }
  EXPECT_TRUE(parse_source_location("/srv//patches/./").ok());
  EXPECT_TRUE(parse_source_location("https://h/a..b/c").ok());
}

}  // namespace
}  // namespace distsync
