// The fast copy path: a copy with no expected hash hashes the bytes it writes (one read of
// the source), refuses a source whose stamp moved since it was planned, and the hashes it
// learns go into the hash cache (remember_hashes) for the next manifest.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "daemon/content/atomic_copy.h"
#include "daemon/content/manifest.h"
#include "daemon/content/sha256_file.h"
#include "tests/content/test_util.h"

namespace distsync {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

TEST(CopyHashingTest, ACopyWithoutAnExpectedHashReportsTheHashOfWhatItWrote) {
  TempDir src, dst;
  // Sizes around the copy buffer (1 MiB) and the chunk, so every branch of the loop runs.
  std::vector<CopyRequest> requests;
  const std::size_t sizes[] = {0, 1, 4096, (1u << 20) - 1, (1u << 20) + 7, (3u << 20) + 11};
  for (std::size_t i = 0; i < std::size(sizes); ++i) {
    std::string rel = "Patches/kb" + std::to_string(i) + ".msu";
    testing::write_file(src.sub(rel), testing::pattern_bytes(sizes[i], 7 + i));
    requests.push_back({src.sub(rel), dst.sub(rel), ""});
  }
  BatchCopyOptions o;
  o.chunk_bytes = 1 << 20;
  std::vector<CopyResult> results = copy_files_atomic(requests, o);
  ASSERT_EQ(results.size(), requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status.to_string();
    Result<std::string> want = sha256_file(requests[i].source);
    ASSERT_TRUE(want.ok());
    EXPECT_EQ(results[i].sha256, *want) << requests[i].source;
    EXPECT_EQ(testing::read_file(requests[i].target), testing::read_file(requests[i].source));
  }
}

TEST(CopyHashingTest, AKnownHashIsNotRecomputedAndHashingCanBeTurnedOff) {
  TempDir src, dst;
  testing::write_file(src.sub("a"), "alpha");
  testing::write_file(src.sub("b"), "bravo");
  std::string known(64, 'a');  // not the real hash: without verify nobody checks it
  std::vector<CopyRequest> requests = {{src.sub("a"), dst.sub("a"), known},
                                       {src.sub("b"), dst.sub("b"), ""}};
  BatchCopyOptions o;
  o.hash_while_copying = false;
  std::vector<CopyResult> results = copy_files_atomic(requests, o);
  ASSERT_TRUE(results[0].ok() && results[1].ok());
  EXPECT_EQ(results[0].sha256, "");
  EXPECT_EQ(results[1].sha256, "");
  EXPECT_EQ(testing::read_file(dst.sub("b")), "bravo");
}

TEST(CopyHashingTest, VerifyWithoutAnExpectedHashComparesTheCopyWithTheBytesRead) {
  TempDir src, dst;
  testing::write_file(src.sub("a"), testing::pattern_bytes(300000, 3));
  BatchCopyOptions o;
  o.verify = true;
  std::vector<CopyResult> results = copy_files_atomic({{src.sub("a"), dst.sub("a"), ""}}, o);
  ASSERT_TRUE(results[0].ok()) << results[0].status.to_string();
  EXPECT_EQ(results[0].sha256, *sha256_file(src.sub("a")));
}

TEST(CopyHashingTest, ASourceWhoseStampMovedSinceThePlanIsRefusedAndNothingLands) {
  TempDir src, dst;
  testing::write_file(src.sub("a"), "planned content");
  testing::set_mtime_ns(src.sub("a"), 1'700'000'000'000'000'000);
  testing::write_file(src.sub("b"), "other");
  testing::set_mtime_ns(src.sub("b"), 1'700'000'000'000'000'000);
  CopyRequest moved{src.sub("a"), dst.sub("a"), "", true, 15, 1'700'000'000'000'000'001};
  CopyRequest grown{src.sub("b"), dst.sub("b"), "", true, 6, 1'700'000'000'000'000'000};
  CopyRequest same{src.sub("b"), dst.sub("c"), "", true, 5, 1'700'000'000'000'000'000};
  std::vector<CopyResult> results = copy_files_atomic({moved, grown, same});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].failure, CopyFailure::kIOError);
  EXPECT_NE(results[0].status.message().find("changed since the sync was planned"),
            std::string::npos)
      << results[0].status.to_string();
  EXPECT_EQ(results[1].failure, CopyFailure::kIOError);
  ASSERT_TRUE(results[2].ok()) << results[2].status.to_string();
  EXPECT_FALSE(fs::exists(dst.sub("a")));
  EXPECT_FALSE(fs::exists(dst.sub("b")));
  EXPECT_EQ(testing::read_file(dst.sub("c")), "other");
  EXPECT_FALSE(testing::has_temp(dst.path()));
}

TEST(CopyHashingTest, RememberedHashesAreCacheHitsForTheNextManifest) {
  TempDir root, cache;
  testing::write_file(root.sub("Patches/a.msu"), "alpha");
  testing::write_file(root.sub("Patches/b.msu"), "bravo");
  const std::string cache_path = cache.sub("patches.hash-cache");
  ManifestOptions quick;
  quick.hash = false;
  quick.cache_path = cache_path;
  Result<Manifest> before = build_manifest(root.path(), quick);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->files.size(), 2u);
  EXPECT_EQ(before->cache_hits, 0u);
  std::vector<FileEntry> learned = before->files;
  learned[0].sha256 = sha256_hex("alpha");
  learned[1].sha256 = "not a hash";  // a malformed hash (from another process) is skipped
  ASSERT_TRUE(remember_hashes(root.path(), cache_path, learned).is_ok());
  Result<Manifest> after = build_manifest(root.path(), quick);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->cache_hits, 1u);
  EXPECT_EQ(after->files[0].sha256, sha256_hex("alpha"));
  EXPECT_EQ(after->files[1].sha256, "");
  // A file changed since: its remembered hash no longer matches its stamp.
  testing::set_mtime_ns(root.sub("Patches/a.msu"), 1'600'000'000'000'000'000);
  Result<Manifest> changed = build_manifest(root.path(), quick);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->cache_hits, 0u);
}

}  // namespace
}  // namespace distsync
