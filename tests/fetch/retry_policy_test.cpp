#include "daemon/fetch/retry_policy.h"

#include <gtest/gtest.h>

#include <thread>

namespace distsync {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicyTest, BackoffDoublesUpToTheCap) {
  FetchOptions o;
  o.backoff_base = milliseconds(100);
  o.backoff_max = milliseconds(1000);
  EXPECT_EQ(backoff_delay(o, 1), milliseconds(100));
  EXPECT_EQ(backoff_delay(o, 2), milliseconds(200));
  EXPECT_EQ(backoff_delay(o, 4), milliseconds(800));
  EXPECT_EQ(backoff_delay(o, 5), milliseconds(1000));
  EXPECT_EQ(backoff_delay(o, 60), milliseconds(1000));
}

TEST(RetryPolicyTest, InjectedSleepIsUsedAndCancellationStopsTheWait) {
  std::atomic<bool> cancel{false};
  std::vector<milliseconds> slept;
  FetchOptions o;
  o.backoff_base = milliseconds(250);
  o.cancel = &cancel;
  o.sleep = [&](milliseconds d) { slept.push_back(d); };
  EXPECT_TRUE(wait_before_retry(o, 2));
  ASSERT_EQ(slept.size(), 1u);
  EXPECT_EQ(slept[0], milliseconds(500));
  o.sleep = [&](milliseconds) { cancel = true; };
  EXPECT_FALSE(wait_before_retry(o, 1));
}

TEST(RetryPolicyTest, DefaultWaitIsCutShortByCancellationFromAnotherThread) {
  std::atomic<bool> cancel{false};
  FetchOptions o;
  o.backoff_base = milliseconds(60000);
  o.backoff_max = milliseconds(60000);
  o.cancel = &cancel;
  auto start = std::chrono::steady_clock::now();
  std::thread canceller([&] { cancel = true; });
  EXPECT_FALSE(wait_before_retry(o, 1));
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace distsync
