#include "daemon/content/safe_path.h"

#include <gtest/gtest.h>

#include "daemon/content/durable_file.h"
#include "daemon/content/sha256_file.h"
#include "tests/content/test_util.h"

namespace distsync {
namespace {

TEST(SafePathTest, TempNames) {
  EXPECT_TRUE(is_temp_name(".distsync-0123abcd.distsync-tmp"));
  EXPECT_TRUE(is_temp_name("KB123.msu.distsync-tmp"));
  EXPECT_TRUE(is_temp_name(".distsync-hash-cache"));
  EXPECT_FALSE(is_temp_name("KB123.msu"));
  EXPECT_FALSE(is_temp_name("distsync-tmp"));
  EXPECT_FALSE(is_temp_name(".distsync"));
  EXPECT_TRUE(is_temp_name(random_temp_name()));
  EXPECT_NE(random_temp_name(), random_temp_name());
}

TEST(SafePathTest, AcceptsOrdinaryPaths) {
  EXPECT_TRUE(check_content_path("Patches/windows10.0-kb4000001-x64_00001.msu").is_ok());
  EXPECT_TRUE(check_content_path("a b/c..d/.hidden").is_ok());
}

TEST(SafePathTest, RefusesUnsafePaths) {
  struct Case {
    std::string path;
    std::string reason;
  };
  const Case cases[] = {
      {"", "empty path"},
      {"/etc/passwd", "absolute path"},
      {"a/../../x", "'..' component"},
      {"..", "'..' component"},
      {"a/./b", "'.' component"},
      {"a//b", "empty path component"},
      {"a/", "empty path component"},
      {"dir\\file", "backslash in name"},
      {std::string("bad\x01name"), "control character 0x01 in name"},
      {"new\nline", "control character 0x0a in name"},
      {std::string("del\x7f"), "control character 0x7f in name"},
  };
  for (const Case& c : cases) {
    Status s = check_content_path(c.path);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << c.path;
    EXPECT_EQ(s.message(), c.reason) << c.path;
  }
}

TEST(SafePathTest, JoinAndParent) {
  EXPECT_EQ(join_path("/srv/dist", "a/b"), "/srv/dist/a/b");
  EXPECT_EQ(join_path("/srv/dist/", "a"), "/srv/dist/a");
  EXPECT_EQ(parent_dir("/srv/dist/a"), "/srv/dist");
  EXPECT_EQ(parent_dir("/a"), "/");
  EXPECT_EQ(parent_dir("a"), ".");
}

TEST(Sha256Test, KnownVectorsAndBlockBoundaries) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  testing::TempDir dir;
  // Straddles the 1 MiB read block so the streaming loop must stitch blocks correctly.
  std::string data = testing::pattern_bytes(kHashBlockBytes * 2 + 3, 7);
  testing::write_file(dir.sub("f"), data);
  Result<std::string> h = sha256_file(dir.sub("f"));
  ASSERT_TRUE(h.ok()) << h.status().to_string();
  EXPECT_EQ(*h, sha256_hex(data));
  EXPECT_EQ(sha256_file(dir.sub("missing")).status().code(), Status::Code::kNotFound);
}

TEST(DurableFileTest, WriteAtomicReplacesAndLeavesNoTemp) {
  testing::TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir.sub("f"), "one").is_ok());
  ASSERT_TRUE(write_file_atomic(dir.sub("f"), "two").is_ok());
  EXPECT_EQ(testing::read_file(dir.sub("f")), "two");
  EXPECT_EQ(testing::list_tree(dir.path()), std::vector<std::string>{"f"});
  ASSERT_TRUE(make_dirs_durable(dir.sub("x/y/z")).is_ok());
  EXPECT_TRUE(std::filesystem::is_directory(dir.sub("x/y/z")));
  EXPECT_FALSE(make_dirs_durable(dir.sub("f/sub")).is_ok());
}

}  // namespace
}  // namespace distsync
