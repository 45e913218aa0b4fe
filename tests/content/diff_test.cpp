#include "daemon/content/diff.h"

#include <gtest/gtest.h>

#include "daemon/content/atomic_copy.h"
#include "daemon/content/sha256_file.h"
#include "tests/content/test_util.h"

namespace distsync {
namespace {

using testing::TempDir;
using Paths = std::vector<std::string>;

FileEntry entry(std::string path, std::uint64_t size, std::int64_t mtime, std::string hash = "") {
  return FileEntry{std::move(path), size, mtime, 1, std::move(hash)};
}

TEST(DiffTest, ClassifiesEveryPath) {
  Manifest source, target;
  source.files = {entry("a", 1, 100), entry("b", 2, 100), entry("c", 3, 100), entry("d", 4, 100),
                  entry("e", 5, 100)};
  target.files = {entry("b", 2, 100), entry("c", 30, 100), entry("d", 4, 101),
                  entry("x/extra", 9, 100), entry("z", 1, 1)};
  TargetDiff d = diff_manifests(source, target);
  EXPECT_EQ(d.missing, (Paths{"a", "e"}));
  EXPECT_EQ(d.out_of_date, (Paths{"c", "d"}));  // size differs; mtime differs
  EXPECT_EQ(d.up_to_date, (Paths{"b"}));
  EXPECT_EQ(d.extra, (Paths{"x/extra", "z"}));
  EXPECT_EQ(d.bytes_to_copy, 1u + 5 + 3 + 4);

  DiffOptions lenient;
  lenient.mtime_tolerance_ns = 1;
  EXPECT_EQ(diff_manifests(source, target, lenient).up_to_date, (Paths{"b", "d"}));
  EXPECT_EQ(diff_manifests(source, target, lenient).up_to_date_count, 2u);

  // Counted only: the same classification, no list of the up-to-date paths.
  lenient.list_up_to_date = false;
  TargetDiff counted = diff_manifests(source, target, lenient);
  EXPECT_TRUE(counted.up_to_date.empty());
  EXPECT_EQ(counted.up_to_date_count, 2u);
  EXPECT_EQ(counted.missing, (Paths{"a", "e"}));
  EXPECT_EQ(counted.out_of_date, (Paths{"c"}));
}

TEST(DiffTest, VerifyComparesHashesWhenStampsMatch) {
  Manifest source, target;
  source.files = {entry("same", 1, 5, "h1"), entry("corrupt", 1, 5, "h2")};
  target.files = {entry("same", 1, 5, "h1"), entry("corrupt", 1, 5, "hX")};
  std::sort(source.files.begin(), source.files.end(),
            [](auto& a, auto& b) { return a.path < b.path; });
  std::sort(target.files.begin(), target.files.end(),
            [](auto& a, auto& b) { return a.path < b.path; });
  EXPECT_EQ(diff_manifests(source, target).up_to_date, (Paths{"corrupt", "same"}));
  DiffOptions verify;
  verify.verify = true;
  TargetDiff d = diff_manifests(source, target, verify);
  EXPECT_EQ(d.up_to_date, (Paths{"same"}));
  EXPECT_EQ(d.out_of_date, (Paths{"corrupt"}));
}

class DiskDiffTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_file(src_.sub("Patches/kb1.msu"), "one");
    testing::write_file(src_.sub("Patches/kb2.msu"), "two two");
    testing::write_file(src_.sub("Patches/kb3.msu"), "three");
    Result<Manifest> m = build_manifest(src_.path());
    ASSERT_TRUE(m.ok());
    source_ = std::move(m.value());
  }
  void copy(const std::string& rel) {
    CopyResult r = copy_file_atomic(src_.sub(rel), dst_.sub(rel));
    ASSERT_TRUE(r.ok()) << r.status.to_string();
  }

  TempDir src_;
  TempDir dst_;
  Manifest source_;
};

TEST_F(DiskDiffTest, AgainstATargetFolder) {
  copy("Patches/kb1.msu");
  copy("Patches/kb2.msu");
  testing::write_file(dst_.sub("Patches/kb2.msu"), "two TWO");  // same size, new mtime
  testing::set_mtime_ns(dst_.sub("Patches/kb2.msu"),
                        testing::mtime_ns(src_.sub("Patches/kb2.msu")) + 1000);
  testing::write_file(dst_.sub("Patches/old.msu"), "superseded");
  testing::write_file(dst_.sub("Patches/.distsync-1.distsync-tmp"), "crash leftover");
  Result<TargetDiff> d = diff_target(source_, dst_.path());
  ASSERT_TRUE(d.ok()) << d.status().to_string();
  EXPECT_EQ(d->missing, (Paths{"Patches/kb3.msu"}));
  EXPECT_EQ(d->out_of_date, (Paths{"Patches/kb2.msu"}));
  EXPECT_EQ(d->up_to_date, (Paths{"Patches/kb1.msu"}));
  EXPECT_EQ(d->extra, (Paths{"Patches/old.msu"}));  // temps are never content
}

TEST_F(DiskDiffTest, VerifyCatchesSameStampDifferentBytes) {
  copy("Patches/kb1.msu");
  std::int64_t stamp = testing::mtime_ns(dst_.sub("Patches/kb1.msu"));
  testing::write_file(dst_.sub("Patches/kb1.msu"), "ONE");  // bit rot: same size and mtime
  testing::set_mtime_ns(dst_.sub("Patches/kb1.msu"), stamp);
  Result<TargetDiff> plain = diff_target(source_, dst_.path());
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->up_to_date, (Paths{"Patches/kb1.msu"}));
  DiffOptions verify;
  verify.verify = true;
  Result<TargetDiff> checked = diff_target(source_, dst_.path(), verify);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked->out_of_date, (Paths{"Patches/kb1.msu"}));
  EXPECT_TRUE(checked->up_to_date.empty());
}

TEST_F(DiskDiffTest, MissingTargetRootMeansEverythingMissing) {
  Result<TargetDiff> d = diff_target(source_, dst_.sub("not-yet"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->missing.size(), 3u);
  EXPECT_EQ(d->bytes_to_copy, 3u + 7 + 5);
}

TEST_F(DiskDiffTest, VerifyNeedsAHashedSource) {
  ManifestOptions quick;
  quick.hash = false;
  Result<Manifest> m = build_manifest(src_.path(), quick);
  ASSERT_TRUE(m.ok());
  DiffOptions verify;
  verify.verify = true;
  EXPECT_EQ(diff_target(*m, dst_.path(), verify).status().code(), Status::Code::kInvalidArgument);
}

TEST_F(DiskDiffTest, PruneRemovesOnlyTheExtras) {
  copy("Patches/kb1.msu");
  testing::write_file(dst_.sub("Patches/old.msu"), "superseded");
  testing::write_file(dst_.sub("Patches/sub/older.msu"), "superseded too");
  testing::write_file(src_.sub("keep-me"), "outside the target");
  Result<TargetDiff> d = diff_target(source_, dst_.path());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->extra, (Paths{"Patches/old.msu", "Patches/sub/older.msu"}));

  std::vector<std::string> asked = d->extra;
  asked.push_back("../" + std::filesystem::path(src_.path()).filename().string() + "/keep-me");
  asked.push_back("Patches/sub");  // a directory
  PruneReport report = prune(dst_.path(), asked);
  EXPECT_EQ(report.removed, d->extra);
  ASSERT_EQ(report.failed.size(), 2u);
  EXPECT_EQ(report.failed[0].reason, "'..' component");
  EXPECT_EQ(report.failed[1].reason, "is a directory; prune removes files only");
  EXPECT_TRUE(std::filesystem::exists(src_.sub("keep-me")));
  EXPECT_EQ(testing::list_tree(dst_.path()), (Paths{"Patches", "Patches/kb1.msu", "Patches/sub"}));
}

TEST_F(DiskDiffTest, PruneRefusesSymlinkThatLeavesTheRoot) {
  std::filesystem::create_directories(dst_.sub("Patches"));
  std::filesystem::create_directory_symlink(src_.sub("Patches"), dst_.sub("Patches/link"));
  PruneReport report = prune(dst_.path(), {"Patches/link/kb1.msu"});
  EXPECT_TRUE(report.removed.empty());
  ASSERT_EQ(report.failed.size(), 1u);
  EXPECT_EQ(report.failed[0].reason, "path leaves the target root");
  EXPECT_TRUE(std::filesystem::exists(src_.sub("Patches/kb1.msu")));
}

}  // namespace
}  // namespace distsync
