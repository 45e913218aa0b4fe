#include "daemon/content/atomic_copy.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "daemon/content/sha256_file.h"
#include "tests/content/test_util.h"
#include "tests/support/test_user.h"

namespace distsync {
namespace {

using testing::TempDir;
using Paths = std::vector<std::string>;
namespace fs = std::filesystem;

class AtomicCopyTest : public ::testing::TestWithParam<bool> {
 protected:
  CopyOptions options() const {
    CopyOptions o;
    o.use_copy_file_range = GetParam();
    o.chunk_bytes = 256 * 1024;  // several chunks per file
    return o;
  }
  TempDir src_;
  TempDir dst_;
};

TEST_P(AtomicCopyTest, ProducesIdenticalFileWithSameMtimeAndNoTemp) {
  std::string data = testing::pattern_bytes(3 * 1024 * 1024 + 17, 1);
  testing::write_file(src_.sub("kb.msu"), data);
  testing::set_mtime_ns(src_.sub("kb.msu"), 1'600'000'000'123'456'789);
  CopyOptions o = options();
  o.verify = true;
  CopyResult r = copy_file_atomic(src_.sub("kb.msu"), dst_.sub("Patches/deep/kb.msu"), o);
  ASSERT_TRUE(r.ok()) << r.status.to_string();
  EXPECT_EQ(r.failure, CopyFailure::kNone);
  EXPECT_EQ(r.bytes, data.size());
  EXPECT_EQ(r.sha256, sha256_hex(data));
  EXPECT_TRUE(testing::read_file(dst_.sub("Patches/deep/kb.msu")) == data);
  EXPECT_EQ(testing::mtime_ns(dst_.sub("Patches/deep/kb.msu")), 1'600'000'000'123'456'789);
  EXPECT_EQ(testing::list_tree(dst_.path()),
            (Paths{"Patches", "Patches/deep", "Patches/deep/kb.msu"}));
}

TEST_P(AtomicCopyTest, ReplacesAnExistingFileAndCopiesEmptyFiles) {
  testing::write_file(src_.sub("a"), "new content");
  testing::write_file(dst_.sub("a"), "old");
  testing::write_file(src_.sub("empty"), "");
  ASSERT_TRUE(copy_file_atomic(src_.sub("a"), dst_.sub("a"), options()).ok());
  ASSERT_TRUE(copy_file_atomic(src_.sub("empty"), dst_.sub("empty"), options()).ok());
  EXPECT_EQ(testing::read_file(dst_.sub("a")), "new content");
  EXPECT_EQ(testing::read_file(dst_.sub("empty")), "");
  EXPECT_EQ(testing::list_tree(dst_.path()), (Paths{"a", "empty"}));
}

TEST_P(AtomicCopyTest, VerifyMismatchFailsAndKeepsTheOldFile) {
  testing::write_file(src_.sub("a"), "content");
  testing::write_file(dst_.sub("a"), "previous");
  CopyOptions o = options();
  o.verify = true;
  o.expected_sha256 = sha256_hex("what the manifest said");
  CopyResult r = copy_file_atomic(src_.sub("a"), dst_.sub("a"), o);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.failure, CopyFailure::kIOError);
  EXPECT_NE(r.status.message().find("verification failed"), std::string::npos);
  EXPECT_EQ(testing::read_file(dst_.sub("a")), "previous");
  EXPECT_FALSE(testing::has_temp(dst_.path()));
}

INSTANTIATE_TEST_SUITE_P(CopyPaths, AtomicCopyTest, ::testing::Values(true, false),
                         [](const auto& info) {
                           return info.param ? "CopyFileRange" : "ReadWrite";
                         });

TEST(AtomicCopyFailureTest, SourceVanished) {
  TempDir src, dst;
  CopyResult r = copy_file_atomic(src.sub("gone.msu"), dst.sub("gone.msu"));
  EXPECT_EQ(r.failure, CopyFailure::kSourceVanished);
  EXPECT_EQ(r.status.code(), Status::Code::kNotFound);
  EXPECT_NE(r.status.message().find("gone.msu"), std::string::npos);
  EXPECT_TRUE(testing::list_tree(dst.path()).empty());
}

// A symlink swapped in for a console file after planning: nothing outside the source is read.
TEST(AtomicCopyFailureTest, ASourceThatIsASymlinkIsRefusedAndNothingLands) {
  TempDir src, dst, outside;
  testing::write_file(outside.sub("secret"), "not for the share");
  fs::create_symlink(outside.sub("secret"), src.sub("KB1.msu"));
  CopyResult r = copy_file_atomic(src.sub("KB1.msu"), dst.sub("KB1.msu"));
  EXPECT_FALSE(r.status.is_ok());
  EXPECT_NE(r.status.message().find("symbolic link"), std::string::npos) << r.status.message();
  EXPECT_TRUE(testing::list_tree(dst.path()).empty());
}

// As root (CI) the copy runs as the test user, since root writes through permission bits.
TEST(AtomicCopyFailureTest, ReadOnlyDirectoryIsPermissionDenied) {
  TempDir src, dst;
  testing::write_file(src.sub("a"), "x");
  testing::give_to_test_user(src.path());
  testing::give_to_test_user(dst.path());
  ASSERT_EQ(::chmod(dst.path().c_str(), 0555), 0);
  auto out = testing::run_as_test_user([&] {
    CopyResult r = copy_file_atomic(src.sub("a"), dst.sub("a"));
    return std::to_string(static_cast<int>(r.failure)) + " " + r.status.message();
  });
  ASSERT_TRUE(out);
  const std::string want = std::to_string(static_cast<int>(CopyFailure::kPermissionDenied)) + " ";
  EXPECT_EQ(out->rfind(want, 0), 0u) << *out;
  EXPECT_NE(out->find("grant"), std::string::npos) << *out;
  ::chmod(dst.path().c_str(), 0755);
  EXPECT_TRUE(testing::list_tree(dst.path()).empty());
}

TEST(AtomicCopyFailureTest, ReadOnlyMountIsPermissionDenied) {
  TempDir src, dst;
  testing::write_file(src.sub("a"), "x");
  testing::TmpfsMount ro(dst.sub("ro"), "size=1m", /*read_only=*/true);
  if (!ro.mounted()) GTEST_SKIP() << ro.why();
  CopyResult r = copy_file_atomic(src.sub("a"), dst.sub("ro/a"));
  EXPECT_EQ(r.failure, CopyFailure::kPermissionDenied) << r.status.to_string();
  EXPECT_TRUE(testing::list_tree(dst.sub("ro")).empty());
}

TEST(AtomicCopyFailureTest, FullFileSystemIsNoSpaceAndLeavesNoTemp) {
  TempDir src, dst;
  testing::write_file(src.sub("big.msu"), testing::pattern_bytes(2 * 1024 * 1024, 3));
  testing::TmpfsMount small(dst.sub("small"), "size=1m");
  if (!small.mounted()) GTEST_SKIP() << small.why();
  for (bool cfr : {true, false}) {
    CopyOptions o;
    o.use_copy_file_range = cfr;
    CopyResult r = copy_file_atomic(src.sub("big.msu"), dst.sub("small/Patches/big.msu"), o);
    EXPECT_EQ(r.failure, CopyFailure::kNoSpace) << r.status.to_string();
    EXPECT_EQ(r.status.code(), Status::Code::kIOError);
    EXPECT_NE(r.status.message().find("free space"), std::string::npos);
    EXPECT_EQ(testing::list_tree(dst.sub("small")), (Paths{"Patches"}));
  }
}

TEST(AtomicCopyFailureTest, TargetIsADirectory) {
  TempDir src, dst;
  testing::write_file(src.sub("a"), "x");
  fs::create_directories(dst.sub("a/inside"));
  CopyResult r = copy_file_atomic(src.sub("a"), dst.sub("a"));
  EXPECT_EQ(r.failure, CopyFailure::kIOError);
  EXPECT_EQ(testing::list_tree(dst.path()), (Paths{"a", "a/inside"}));
}

TEST(AtomicCopyCancelTest, CancelledBeforeStartLeavesNothing) {
  TempDir src, dst;
  testing::write_file(src.sub("a"), testing::pattern_bytes(100000, 4));
  std::atomic<bool> cancel{true};
  CopyOptions o;
  o.cancel = &cancel;
  CopyResult r = copy_file_atomic(src.sub("a"), dst.sub("a"), o);
  EXPECT_EQ(r.failure, CopyFailure::kCancelled);
  EXPECT_EQ(r.status.code(), Status::Code::kUnavailable);
  EXPECT_TRUE(testing::list_tree(dst.path()).empty());
}

TEST(AtomicCopyCancelTest, CancelMidCopyRemovesTheTemp) {
  TempDir src, dst;
  const std::size_t size = 8 * 1024 * 1024;
  testing::write_file(src.sub("a"), testing::pattern_bytes(size, 5));
  // 256 KiB/s: the copy would take ~30 s, so it is surely still running when cancelled.
  BandwidthLimiter limiter(256 * 1024, 64 * 1024);
  std::atomic<bool> cancel{false};
  CopyOptions o;
  o.limiter = &limiter;
  o.cancel = &cancel;
  CopyResult r;
  std::thread copier([&] { r = copy_file_atomic(src.sub("a"), dst.sub("a"), o); });
  // Cancel once the temp exists and has received bytes: the copy is provably mid-way.
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() < give_up) {
    for (const auto& name : testing::list_tree(dst.path())) {
      std::error_code ec;
      if (name.ends_with(".distsync-tmp") && fs::file_size(dst.sub(name), ec) > 0) seen = true;
    }
    std::this_thread::yield();
  }
  cancel = true;
  copier.join();
  EXPECT_TRUE(seen);
  EXPECT_EQ(r.failure, CopyFailure::kCancelled) << r.status.to_string();
  EXPECT_LT(r.bytes, size);
  EXPECT_TRUE(testing::list_tree(dst.path()).empty());
}

TEST(AtomicCopyLimitTest, BandwidthLimitIsHonoured) {
  TempDir src, dst;
  const std::uint64_t size = 3 * 1024 * 1024;
  const std::uint64_t rate = 4 * 1024 * 1024;
  const std::uint64_t burst = 64 * 1024;
  testing::write_file(src.sub("a"), testing::pattern_bytes(size, 6));
  BandwidthLimiter limiter(rate, burst);
  CopyOptions o;
  o.limiter = &limiter;
  auto start = std::chrono::steady_clock::now();
  CopyResult r = copy_file_atomic(src.sub("a"), dst.sub("a"), o);
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r.ok()) << r.status.to_string();
  // At most burst + rate * t bytes can pass in t seconds; allow 10% for clock slack.
  double lower_bound = static_cast<double>(size - burst) / static_cast<double>(rate);
  EXPECT_GE(elapsed, 0.9 * lower_bound);
}

TEST(RemoveStaleTempsTest, DeletesOnlyTempsAnywhereInTheTree) {
  TempDir dir;
  testing::write_file(dir.sub("Patches/kb1.msu"), "keep");
  testing::write_file(dir.sub("Patches/.distsync-aa.distsync-tmp"), "stale");
  testing::write_file(dir.sub("Patches/x/y/.distsync-bb.distsync-tmp"), "stale");
  testing::write_file(dir.sub("DataFiles/def.xml.distsync-tmp"), "stale");
  testing::write_file(dir.sub("DataFiles/def.xml"), "keep");
  Result<std::size_t> n = remove_stale_temps(dir.path());
  ASSERT_TRUE(n.ok()) << n.status().to_string();
  EXPECT_EQ(*n, 3u);
  EXPECT_EQ(testing::list_tree(dir.path()), (Paths{"DataFiles", "DataFiles/def.xml", "Patches",
                                                   "Patches/kb1.msu", "Patches/x", "Patches/x/y"}));
  Result<std::size_t> missing = remove_stale_temps(dir.sub("nope"));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(*missing, 0u);
}

TEST(CopyFailureTest, Names) {
  EXPECT_EQ(copy_failure_name(CopyFailure::kNoSpace), "no_space");
  EXPECT_EQ(copy_failure_name(CopyFailure::kSourceVanished), "source_vanished");
  EXPECT_EQ(copy_failure_name(CopyFailure::kCancelled), "cancelled");
}

}  // namespace
}  // namespace distsync
