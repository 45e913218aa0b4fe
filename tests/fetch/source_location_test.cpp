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

}  // namespace
}  // namespace distsync
