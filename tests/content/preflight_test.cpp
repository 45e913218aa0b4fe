#include "daemon/content/preflight.h"

#include <gtest/gtest.h>

#include "tests/content/test_util.h"
#include "tests/support/test_user.h"

namespace distsync {
namespace {

using testing::TempDir;

TEST(PreflightTest, WritableFolderPassesAndLeavesNoProbe) {
  TempDir dir;
  PreflightReport r = preflight_target(dir.path());
  ASSERT_TRUE(r.ok()) << r.status.to_string();
  EXPECT_EQ(r.failure, PreflightFailure::kNone);
  EXPECT_GT(r.free_bytes, 0u);
  EXPECT_TRUE(testing::list_tree(dir.path()).empty());
}

TEST(PreflightTest, CreatesAMissingRootOnlyWhenAllowed) {
  TempDir dir;
  PreflightOptions no_create;
  no_create.create = false;
  PreflightReport refused = preflight_target(dir.sub("a/b"), no_create);
  EXPECT_EQ(refused.failure, PreflightFailure::kUnreachable);
  EXPECT_EQ(refused.status.code(), Status::Code::kUnavailable);
  EXPECT_FALSE(std::filesystem::exists(dir.sub("a")));
  PreflightReport made = preflight_target(dir.sub("a/b"));
  EXPECT_TRUE(made.ok()) << made.status.to_string();
  EXPECT_TRUE(std::filesystem::is_directory(dir.sub("a/b")));
}

TEST(PreflightTest, FileIsNotADirectory) {
  TempDir dir;
  testing::write_file(dir.sub("f"), "x");
  PreflightReport r = preflight_target(dir.sub("f"));
  EXPECT_EQ(r.failure, PreflightFailure::kNotADirectory);
  EXPECT_EQ(r.status.message(),
            "target " + dir.sub("f") + " is not a directory; point the server at a folder");
  PreflightReport below = preflight_target(dir.sub("f/sub"));
  EXPECT_EQ(below.failure, PreflightFailure::kUnreachable);
}

TEST(PreflightTest, NotEnoughFreeSpace) {
  TempDir dir;
  PreflightOptions o;
  o.min_free_bytes = ~std::uint64_t{0};
  PreflightReport r = preflight_target(dir.path(), o);
  EXPECT_EQ(r.failure, PreflightFailure::kNoSpace);
  EXPECT_NE(r.status.message().find("bytes free, the sync needs"), std::string::npos);
  EXPECT_GT(r.free_bytes, 0u);
}

// As root (CI) the check runs as the test user, since root writes through permission bits.
TEST(PreflightTest, UnwritableFolderNamesUidAndFix) {
  TempDir dir;
  testing::give_to_test_user(dir.path());
  ASSERT_EQ(::chmod(dir.path().c_str(), 0555), 0);
  auto out = testing::run_as_test_user([&] {
    PreflightReport r = preflight_target(dir.path());
    return std::to_string(static_cast<int>(r.failure)) + " " + r.status.message();
  });
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, std::to_string(static_cast<int>(PreflightFailure::kNotWritable)) + " target " +
                      dir.path() + " is not writable by uid " +
                      std::to_string(testing::test_uid()) +
                      ": Permission denied; grant write access or run distsyncd "
                      "as a user that has it");
}

TEST(PreflightTest, ReadOnlyMountIsNotWritable) {
  TempDir dir;
  testing::TmpfsMount ro(dir.sub("ro"), "size=1m", /*read_only=*/true);
  if (!ro.mounted()) GTEST_SKIP() << ro.why();
  PreflightReport r = preflight_target(dir.sub("ro"));
  EXPECT_EQ(r.failure, PreflightFailure::kNotWritable);
  EXPECT_NE(r.status.message().find("mounted read-only"), std::string::npos) << r.status.message();
}

}  // namespace
}  // namespace distsync
