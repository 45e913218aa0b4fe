// Copies written past the page cache (O_DIRECT, direct_io.h): byte-equal at every size around
// the alignment, chunk and buffer boundaries, with the hash of what was read; and a process
// killed between two chunks leaves only its temp, which a resumed copy replaces.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "daemon/content/atomic_copy.h"
#include "daemon/content/direct_io.h"
#include "daemon/content/sha256_file.h"
#include "tests/content/test_util.h"

namespace distsync {
namespace {

using testing::TempDir;
using Paths = std::vector<std::string>;
namespace fs = std::filesystem;

constexpr std::uint64_t kChunk = 64 * 1024;

TEST(DirectCopyTest, EverySizeAroundTheBoundariesIsByteEqualWithItsHash) {
  TempDir src, dst;
  const std::uint64_t buf = kDirectBufferBytes;
  const std::vector<std::uint64_t> sizes = {
      1,         kDirectAlign - 1, kDirectAlign,      kDirectAlign + 1,  kChunk - 1,
      kChunk,    kChunk + 1,       2 * kChunk + 4097, buf - 1,           buf,
      buf + 1,   3 * buf + 123};
  for (bool verify : {false, true}) {
    for (std::uint64_t chunk : {kChunk, std::uint64_t{8} << 20}) {
      std::vector<CopyRequest> requests;
      for (std::size_t i = 0; i < sizes.size(); ++i) {
        std::string rel = "p/" + std::to_string(chunk) + "-" + std::to_string(verify) + "-" +
                          std::to_string(sizes[i]) + ".msu";
        testing::write_file(src.sub(rel), testing::pattern_bytes(sizes[i], 7 + i));
        requests.push_back({src.sub(rel), dst.sub(rel), ""});
      }
      BatchCopyOptions o;
      o.direct_min_bytes = 1;  // every size takes the O_DIRECT path
      o.chunk_bytes = chunk;
      o.verify = verify;
      std::vector<CopyResult> results = copy_files_atomic(requests, o);
      ASSERT_EQ(results.size(), requests.size());
      for (std::size_t i = 0; i < requests.size(); ++i) {
        SCOPED_TRACE("size " + std::to_string(sizes[i]) + ", chunk " + std::to_string(chunk));
        ASSERT_TRUE(results[i].ok()) << results[i].status.to_string();
        EXPECT_EQ(fs::file_size(requests[i].target), sizes[i]);
        EXPECT_TRUE(testing::read_file(requests[i].target) == testing::read_file(requests[i].source));
        EXPECT_EQ(results[i].bytes, sizes[i]);
        Result<std::string> want = sha256_file(requests[i].source);
        ASSERT_TRUE(want.ok());
        EXPECT_EQ(results[i].sha256, *want);
        EXPECT_EQ(testing::mtime_ns(requests[i].target), testing::mtime_ns(requests[i].source));
      }
    }
  }
  EXPECT_FALSE(testing::has_temp(dst.path()));
}

TEST(DirectCopyTest, DirectAndBufferedCopiesAgreeAndAKnownHashIsKept) {
  TempDir src, dst;
  const std::string data = testing::pattern_bytes(5 * 1024 * 1024 + 17, 31);
  testing::write_file(src.sub("a.msu"), data);
  const std::string sha = sha256_hex(data);
  for (bool direct : {true, false}) {
    std::string target = dst.sub(direct ? "direct/a.msu" : "buffered/a.msu");
    CopyOptions o;
    o.direct_io = direct;
    o.expected_sha256 = sha;  // known: nothing is hashed, and verify checks against it
    o.verify = true;
    CopyResult r = copy_file_atomic(src.sub("a.msu"), target, o);
    ASSERT_TRUE(r.ok()) << r.status.to_string();
    EXPECT_EQ(r.sha256, sha);
    EXPECT_TRUE(testing::read_file(target) == data);
  }
}

TEST(DirectCopyTest, AWrongExpectedHashFailsVerifyAndNothingLands) {
  TempDir src, dst;
  testing::write_file(src.sub("a.msu"), testing::pattern_bytes(2 * 1024 * 1024 + 5, 3));
  CopyOptions o;
  o.expected_sha256 = std::string(64, '0');
  o.verify = true;
  CopyResult r = copy_file_atomic(src.sub("a.msu"), dst.sub("a.msu"), o);
  EXPECT_EQ(r.failure, CopyFailure::kIOError);
  EXPECT_NE(r.status.message().find("verification failed"), std::string::npos);
  EXPECT_TRUE(testing::list_tree(dst.path()).empty());
}

// The child copies one big file in 64 KiB chunks at 512 KiB/s; the parent kills it once the
// temp holds the file's first chunk (read back: a preallocated temp reads as zeros before
// that), so the kill lands between two chunks of a direct copy.
TEST(DirectCopyKillTest, KilledBetweenChunksLeavesOnlyATempAndResumeReplacesIt) {
  TempDir src, dst;
  const std::string data = testing::pattern_bytes(4 * 1024 * 1024 + 100, 11);
  testing::write_file(src.sub("Patches/big.msu"), data);
  const std::vector<CopyRequest> requests = {{src.sub("Patches/big.msu"), dst.sub("Patches/big.msu"), ""}};
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    BandwidthLimiter limiter(512 * 1024, kChunk);
    BatchCopyOptions o;
    o.limiter = &limiter;
    o.chunk_bytes = kChunk;
    (void)copy_files_atomic(requests, o);
    ::_exit(0);
  }
  const std::string head = data.substr(0, kDirectAlign);
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string temp;
  while (temp.empty() && std::chrono::steady_clock::now() < give_up) {
    for (const auto& name : testing::list_tree(dst.path())) {
      if (name.ends_with(".distsync-tmp") && testing::read_file(dst.sub(name)).substr(0, head.size()) == head) {
        temp = name;
      }
    }
    std::this_thread::yield();
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the copy finished before the kill";
  ASSERT_FALSE(temp.empty()) << "no temp with the first chunk appeared";
  EXPECT_FALSE(fs::exists(requests[0].target));
  EXPECT_EQ(testing::list_tree(dst.path()), (Paths{"Patches", temp}));
  Result<std::size_t> removed = remove_stale_temps(dst.path());
  ASSERT_TRUE(removed.ok()) << removed.status().to_string();
  EXPECT_EQ(*removed, 1u);
  std::vector<CopyResult> results = copy_files_atomic(requests);
  ASSERT_TRUE(results[0].ok()) << results[0].status.to_string();
  EXPECT_TRUE(testing::read_file(requests[0].target) == data);
  EXPECT_EQ(testing::list_tree(dst.path()), (Paths{"Patches", "Patches/big.msu"}));
}

}  // namespace
}  // namespace distsync
