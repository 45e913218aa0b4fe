// Batch atomic copy (copy_files_atomic): every file lands or fails on its own, one barrier
// for the batch, and a process killed mid-batch leaves temps only, never a partial file
// under a final name.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "daemon/content/atomic_copy.h"
#include "tests/content/test_util.h"

namespace distsync {
namespace {

using testing::TempDir;
using Paths = std::vector<std::string>;
namespace fs = std::filesystem;

class BatchCopyTest : public ::testing::TestWithParam<BatchSync> {
 protected:
  BatchCopyOptions options() const {
    BatchCopyOptions o;
    o.sync = GetParam();
    return o;
  }
  TempDir src_;
  TempDir dst_;
};

TEST_P(BatchCopyTest, EveryFileLandsWithItsMtimeAndNoTempRemains) {
  std::vector<CopyRequest> requests;
  for (int i = 0; i < 40; ++i) {
    std::string rel = "Patches/d" + std::to_string(i % 3) + "/kb" + std::to_string(i) + ".msu";
    testing::write_file(src_.sub(rel), testing::pattern_bytes(1000 + 97 * i, i));
    testing::set_mtime_ns(src_.sub(rel), 1'600'000'000'000'000'000 + i);
    requests.push_back({src_.sub(rel), dst_.sub(rel), ""});
  }
  std::vector<CopyResult> results = copy_files_atomic(requests, options());
  ASSERT_EQ(results.size(), requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status.to_string();
    EXPECT_EQ(testing::read_file(requests[i].target), testing::read_file(requests[i].source));
    EXPECT_EQ(testing::mtime_ns(requests[i].target), testing::mtime_ns(requests[i].source));
    EXPECT_EQ(results[i].bytes, fs::file_size(requests[i].source));
  }
  EXPECT_FALSE(testing::has_temp(dst_.path()));
}

// Replacing files: the old file is kept alive under a temp name across the rename (so its
// blocks are freed outside the folder's lock) and that name is gone when the batch returns.
// A reader holding the old file still reads the old bytes; the folder holds the final names
// only.
TEST_P(BatchCopyTest, ReplacedFilesGetTheNewBytesAndLeaveNoKeeperBehind) {
  std::vector<CopyRequest> requests;
  for (int i = 0; i < 10; ++i) {
    std::string rel = "Patches/kb" + std::to_string(i) + ".msu";
    testing::write_file(src_.sub(rel), testing::pattern_bytes(3000 + i, i));
    testing::write_file(dst_.sub(rel), "old " + std::to_string(i));
    requests.push_back({src_.sub(rel), dst_.sub(rel), ""});
  }
  std::ifstream held(dst_.sub("Patches/kb0.msu"), std::ios::binary);
  std::vector<CopyResult> results = copy_files_atomic(requests, options());
  ASSERT_EQ(results.size(), requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status.to_string();
    EXPECT_EQ(testing::read_file(requests[i].target), testing::read_file(requests[i].source));
  }
  std::string old((std::istreambuf_iterator<char>(held)), std::istreambuf_iterator<char>());
  EXPECT_EQ(old, "old 0");
  EXPECT_FALSE(testing::has_temp(dst_.path()));
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dst_.sub("Patches"))) {
    EXPECT_EQ(e.path().extension(), ".msu") << e.path();
    ++entries;
  }
  EXPECT_EQ(entries, requests.size());
}

// The replaced file loses every link the batch gave it: a hard link outside the target is
// its only name afterwards, so the keeper was unlinked, not just hidden from the listing.
TEST_P(BatchCopyTest, AReplacedFileKeepsOnlyTheLinksItHadBeforeTheBatch) {
  testing::write_file(src_.sub("Patches/kb.msu"), testing::pattern_bytes(5000, 7));
  testing::write_file(dst_.sub("Patches/kb.msu"), "old");
  const std::string outside = dst_.sub("outside-link");
  fs::create_hard_link(dst_.sub("Patches/kb.msu"), outside);
  ASSERT_EQ(fs::hard_link_count(outside), 2u);
  std::vector<CopyResult> results =
      copy_files_atomic({{src_.sub("Patches/kb.msu"), dst_.sub("Patches/kb.msu"), ""}}, options());
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0].ok()) << results[0].status.to_string();
  EXPECT_EQ(fs::hard_link_count(outside), 1u);
  EXPECT_EQ(testing::read_file(outside), "old");
  EXPECT_EQ(fs::hard_link_count(dst_.sub("Patches/kb.msu")), 1u);
  EXPECT_EQ(testing::read_file(dst_.sub("Patches/kb.msu")), testing::pattern_bytes(5000, 7));
}

TEST_P(BatchCopyTest, AVanishedSourceFailsAloneAndTheOthersLand) {
  testing::write_file(src_.sub("a"), "first");
  testing::write_file(src_.sub("c"), "third");
  testing::write_file(dst_.sub("b"), "old b");  // an older copy stays as it was
  std::vector<CopyRequest> requests = {{src_.sub("a"), dst_.sub("a"), ""},
                                       {src_.sub("b"), dst_.sub("b"), ""},
                                       {src_.sub("c"), dst_.sub("c"), ""}};
  std::vector<CopyResult> results = copy_files_atomic(requests, options());
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].ok()) << results[0].status.to_string();
  EXPECT_EQ(results[1].failure, CopyFailure::kSourceVanished);
  EXPECT_EQ(results[1].status.code(), Status::Code::kNotFound);
  EXPECT_TRUE(results[2].ok()) << results[2].status.to_string();
  EXPECT_EQ(testing::read_file(dst_.sub("a")), "first");
  EXPECT_EQ(testing::read_file(dst_.sub("b")), "old b");
  EXPECT_EQ(testing::read_file(dst_.sub("c")), "third");
  EXPECT_EQ(testing::list_tree(dst_.path()), (Paths{"a", "b", "c"}));
}

TEST_P(BatchCopyTest, AVerifyMismatchFailsAloneAndTheOthersLand) {
  testing::write_file(src_.sub("a"), "alpha");
  testing::write_file(src_.sub("b"), "beta");
  BatchCopyOptions o = options();
  o.verify = true;
  std::vector<CopyRequest> requests = {{src_.sub("a"), dst_.sub("a"), std::string(64, '0')},
                                       {src_.sub("b"), dst_.sub("b"), ""}};
  std::vector<CopyResult> results = copy_files_atomic(requests, o);
  EXPECT_EQ(results[0].failure, CopyFailure::kIOError);
  EXPECT_NE(results[0].status.message().find("verification failed"), std::string::npos);
  ASSERT_TRUE(results[1].ok()) << results[1].status.to_string();
  EXPECT_EQ(testing::list_tree(dst_.path()), (Paths{"b"}));
}

TEST_P(BatchCopyTest, CancelledBatchLeavesNothing) {
  testing::write_file(src_.sub("a"), "alpha");
  testing::write_file(src_.sub("b"), "beta");
  std::atomic<bool> cancel{true};
  BatchCopyOptions o = options();
  o.cancel = &cancel;
  std::vector<CopyResult> results = copy_files_atomic(
      {{src_.sub("a"), dst_.sub("a"), ""}, {src_.sub("b"), dst_.sub("b"), ""}}, o);
  for (const auto& r : results) EXPECT_EQ(r.failure, CopyFailure::kCancelled);
  EXPECT_TRUE(testing::list_tree(dst_.path()).empty());
}

INSTANTIATE_TEST_SUITE_P(Barriers, BatchCopyTest,
                         ::testing::Values(BatchSync::kSyncfs, BatchSync::kFdatasync),
                         [](const auto& info) {
                           return info.param == BatchSync::kSyncfs ? std::string("syncfs")
                                                                   : std::string("fdatasync");
                         });

// A process killed while its batch is being written leaves no file under a final name (the
// renames come after the whole batch is durable), and remove_stale_temps clears its temps,
// as a resumed job does.
TEST(BatchCopyKillTest, KilledMidBatchLeavesOnlyTempsAndResumeRemovesThem) {
  TempDir src, dst;
  std::vector<CopyRequest> requests;
  for (int i = 0; i < 8; ++i) {
    std::string rel = "Patches/kb" + std::to_string(i) + ".msu";
    testing::write_file(src.sub(rel), testing::pattern_bytes(512 * 1024, 100 + i));
    requests.push_back({src.sub(rel), dst.sub(rel), ""});
  }
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // 512 KiB/s for 4 MiB: about 8 s, far longer than the parent needs to see a temp.
    BandwidthLimiter limiter(512 * 1024, 64 * 1024);
    BatchCopyOptions o;
    o.limiter = &limiter;
    o.chunk_bytes = 64 * 1024;
    (void)copy_files_atomic(requests, o);
    ::_exit(0);
  }
  // Kill once the second file's temp holds bytes: the batch is provably mid-way.
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::size_t temps = 0;
  while (std::chrono::steady_clock::now() < give_up) {
    temps = 0;
    bool has_bytes = false;
    for (const auto& name : testing::list_tree(dst.path())) {
      std::error_code ec;
      if (!name.ends_with(".distsync-tmp")) continue;
      ++temps;
      has_bytes = has_bytes || fs::file_size(dst.sub(name), ec) > 0;
    }
    if (temps >= 2 && has_bytes) break;
    std::this_thread::yield();
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the batch finished before the kill";
  EXPECT_GE(temps, 2u);
  for (const auto& r : requests) EXPECT_FALSE(fs::exists(r.target)) << r.target;
  Result<std::size_t> removed = remove_stale_temps(dst.path());
  ASSERT_TRUE(removed.ok()) << removed.status().to_string();
  EXPECT_GE(*removed, 2u);
  EXPECT_EQ(testing::list_tree(dst.path()), (Paths{"Patches"}));
  // The resumed copy then lands every file.
  std::vector<CopyResult> results = copy_files_atomic(requests);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].status.to_string();
    EXPECT_EQ(testing::read_file(requests[i].target), testing::read_file(requests[i].source));
  }
}

}  // namespace
}  // namespace distsync
