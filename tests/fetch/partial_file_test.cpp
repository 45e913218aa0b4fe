#include "daemon/fetch/partial_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/fetch/fetch_test_util.h"

namespace distsync {
namespace {

using testing::exists;
using testing::read_file;
using testing::sha256_hex;
using testing::TempDir;
using testing::write_file;

TEST(PartialFileTest, TempNameIsDeterministicAndHidden) {
  EXPECT_EQ(partial_path_for("/d/Engines/e.dll"), "/d/Engines/.distsync-e.dll.distsync-tmp");
  EXPECT_EQ(partial_path_for("e.dll"), ".distsync-e.dll.distsync-tmp");
}

TEST(PartialFileTest, AppendsInstallsAtomicallyAndCreatesParents) {
  TempDir dest;
  Result<PartialFile> f = PartialFile::open(dest.path(), "a/b/file.bin");
  ASSERT_TRUE(f.ok()) << f.status().to_string();
  ASSERT_TRUE(f->append("hello ", 6).is_ok());
  ASSERT_TRUE(f->append("world", 5).is_ok());
  EXPECT_TRUE(exists(dest / "a/b/.distsync-file.bin.distsync-tmp"));
  EXPECT_FALSE(exists(dest / "a/b/file.bin"));
  EXPECT_EQ(f->take_digest(), sha256_hex("hello world"));
  ASSERT_TRUE(f->install().is_ok());
  EXPECT_EQ(read_file(dest / "a/b/file.bin"), "hello world");
  EXPECT_FALSE(exists(dest / "a/b/.distsync-file.bin.distsync-tmp"));
}

TEST(PartialFileTest, ReopeningResumesWithTheExistingBytesHashed) {
  TempDir dest;
  write_file(dest / ".distsync-f.distsync-tmp", "hello ");
  Result<PartialFile> f = PartialFile::open(dest.path(), "f");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->size(), 6u);
  ASSERT_TRUE(f->append("world", 5).is_ok());
  EXPECT_EQ(f->take_digest(), sha256_hex("hello world"));
  ASSERT_TRUE(f->truncate().is_ok());
  EXPECT_EQ(f->size(), 0u);
  ASSERT_TRUE(f->append("x", 1).is_ok());
  EXPECT_EQ(f->take_digest(), sha256_hex("x"));
  f->discard();
  EXPECT_FALSE(exists(dest / ".distsync-f.distsync-tmp"));
}

TEST(PartialFileTest, RefusesToWriteThroughASymlinkedDirectory) {
  TempDir dest, outside;
  ASSERT_EQ(::symlink(outside.path().c_str(), (dest / "link").c_str()), 0);
  Result<PartialFile> f = PartialFile::open(dest.path(), "link/x");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("symlink"), std::string::npos) << f.status().message();
  EXPECT_TRUE(testing::list_tree(outside.path()).empty());
}

TEST(PartialFileTest, RefusesAFileWhereADirectoryIsNeeded) {
  TempDir dest;
  write_file(dest / "a", "i am a file");
  Result<PartialFile> f = PartialFile::open(dest.path(), "a/b");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("is in the way"), std::string::npos);
}

}  // namespace
}  // namespace distsync
