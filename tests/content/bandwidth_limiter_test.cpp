#include "daemon/content/bandwidth_limiter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace distsync {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

TEST(BandwidthLimiterTest, BurstThenPaysDebtAtTheRate) {
  BandwidthLimiter limiter(1000, 500);                // 1000 B/s, 500 B burst
  EXPECT_EQ(limiter.reserve(500, 0), 0);              // the full bucket covers it
  EXPECT_NEAR(limiter.reserve(1000, 0), kSecond, 2);  // 1000 B of debt: 1 s
  // Half a second later 500 B have been repaid; the next 100 B wait for the rest + 0.1 s.
  EXPECT_NEAR(limiter.reserve(100, kSecond / 2), kSecond / 2 + kSecond / 10, 2);
}

TEST(BandwidthLimiterTest, RefillIsCappedAtTheBurst) {
  BandwidthLimiter limiter(1000, 500);
  EXPECT_EQ(limiter.reserve(500, 0), 0);
  // A long idle spell refills only up to the burst, not 100 s worth.
  EXPECT_EQ(limiter.reserve(500, 100 * kSecond), 0);
  EXPECT_NEAR(limiter.reserve(500, 100 * kSecond), kSecond / 2, 2);
}

TEST(BandwidthLimiterTest, UnlimitedNeverWaits) {
  BandwidthLimiter limiter(0);
  EXPECT_TRUE(limiter.unlimited());
  EXPECT_EQ(limiter.reserve(1ull << 40, 0), 0);
  EXPECT_TRUE(limiter.acquire(1ull << 40));
  EXPECT_EQ(limiter.chunk_bytes(1 << 20), 1u << 20);
}

TEST(BandwidthLimiterTest, ChunkSizeFollowsTheRate) {
  EXPECT_EQ(BandwidthLimiter(8 * 1024 * 1024).chunk_bytes(8 << 20), 1u << 20);
  EXPECT_EQ(BandwidthLimiter(1024).chunk_bytes(8 << 20), 16u * 1024);
  EXPECT_EQ(BandwidthLimiter(1ull << 40).chunk_bytes(8 << 20), 8u << 20);
}

TEST(BandwidthLimiterTest, SharedAcrossThreads) {
  const std::uint64_t rate = 4 * 1024 * 1024, burst = 64 * 1024, each = 512 * 1024;
  BandwidthLimiter limiter(rate, burst);
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 8; ++i) EXPECT_TRUE(limiter.acquire(each / 8));
    });
  }
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double lower_bound = static_cast<double>(4 * each - burst) / static_cast<double>(rate);
  EXPECT_GE(elapsed, 0.9 * lower_bound);
}

TEST(BandwidthLimiterTest, CancelWhileWaiting) {
  BandwidthLimiter limiter(1024, 1024);
  std::atomic<bool> cancel{false};
  EXPECT_TRUE(limiter.acquire(1024, &cancel));  // covered by the burst: no wait
  cancel = true;
  EXPECT_FALSE(limiter.acquire(1 << 30, &cancel));  // would wait ~12 days
}

}  // namespace
}  // namespace distsync
