// The copy buffers' pool (buffer_pool.h): a returned buffer is lent again as it is, leases
// never share a buffer, no more than kIdleBuffersPerSize stay idle, and a copy that ran on a
// thread of its own (as every copy task does) leaves its buffer in the pool for the next.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include "daemon/content/atomic_copy.h"
#include "daemon/content/buffer_pool.h"
#include "daemon/content/direct_io.h"
#include "tests/content/test_util.h"

namespace distsync {
namespace {

using testing::TempDir;

// Sizes no copy uses, so that the copies of other tests in this binary do not count.
constexpr std::size_t kOdd = 3 * kBufferAlign;
constexpr std::size_t kOdder = 5 * kBufferAlign;

// Holds every idle buffer of `bytes`, so that the pool has none of that size until it ends.
std::vector<BufferLease> drain(std::size_t bytes) {
  std::vector<BufferLease> held;
  while (idle_buffers(bytes) > 0) held.push_back(lend_buffer(bytes));
  return held;
}

TEST(BufferPoolTest, AReturnedBufferIsLentAgainAsItIs) {
  auto held = drain(kOdd);
  char* first = nullptr;
  {
    BufferLease a = lend_buffer(kOdd);
    ASSERT_TRUE(a);
    EXPECT_EQ(a.size(), kOdd);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a.data()) % kBufferAlign, 0u);
    a.data()[0] = 'x';
    a.data()[kOdd - 1] = 'y';
    first = a.data();
    EXPECT_EQ(idle_buffers(kOdd), 0u);
  }
  EXPECT_EQ(idle_buffers(kOdd), 1u);
  BufferLease b = lend_buffer(kOdd);
  EXPECT_EQ(b.data(), first);
  EXPECT_EQ(b.data()[0], 'x');  // not zeroed: the borrower writes before it reads
  EXPECT_EQ(b.data()[kOdd - 1], 'y');
  EXPECT_EQ(idle_buffers(kOdd), 0u);
}

TEST(BufferPoolTest, LeasesNeverShareABufferAndAtMostTheCapStaysIdle) {
  auto held = drain(kOdder);
  std::set<char*> seen;
  {
    std::vector<BufferLease> leases;
    for (std::size_t i = 0; i < kIdleBuffersPerSize + 3; ++i) {
      leases.push_back(lend_buffer(kOdder));
      ASSERT_TRUE(leases.back());
      EXPECT_TRUE(seen.insert(leases.back().data()).second) << "lease " << i;
    }
  }
  EXPECT_EQ(idle_buffers(kOdder), kIdleBuffersPerSize);
}

TEST(BufferPoolTest, AMovedLeaseGivesItsBufferBackOnce) {
  auto held = drain(kOdd);
  {
    BufferLease a = lend_buffer(kOdd);
    BufferLease b = std::move(a);
    EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
    EXPECT_TRUE(b);
    BufferLease c = lend_buffer(kOdd);
    c = std::move(b);  // c's own buffer goes back now
    EXPECT_EQ(idle_buffers(kOdd), 1u);
  }
  EXPECT_EQ(idle_buffers(kOdd), 2u);
}

// The regression this pool is for: a buffer kept per thread died with the copy task's thread.
TEST(BufferPoolTest, ACopyOnAThreadOfItsOwnLeavesItsBuffersInThePool) {
  TempDir src, dst;
  testing::write_file(src.sub("small.msu"), testing::pattern_bytes(200 * 1024, 1));
  testing::write_file(src.sub("big.msu"), testing::pattern_bytes(3 * 1024 * 1024 + 17, 2));
  auto held_copy = drain(1 << 20);
  auto held_direct = drain(kDirectBufferBytes);
  std::vector<CopyResult> results;
  std::thread task([&] {
    BatchCopyOptions o;
    o.use_copy_file_range = false;  // bytes through the buffer, as a hashing copy does
    results = copy_files_atomic({{src.sub("small.msu"), dst.sub("small.msu"), ""},
                                 {src.sub("big.msu"), dst.sub("big.msu"), ""}},
                                o);
  });
  task.join();
  ASSERT_EQ(results.size(), 2u);
  for (const CopyResult& r : results) ASSERT_TRUE(r.ok()) << r.status.to_string();
  EXPECT_EQ(testing::read_file(dst.sub("small.msu")), testing::read_file(src.sub("small.msu")));
  EXPECT_EQ(testing::read_file(dst.sub("big.msu")), testing::read_file(src.sub("big.msu")));
  EXPECT_EQ(idle_buffers(1 << 20), 1u);
  EXPECT_EQ(idle_buffers(kDirectBufferBytes), 1u);
}

}  // namespace
}  // namespace distsync
