#include "events/log/memory_event_log.h"

#include <gtest/gtest.h>

#include "events/chain.h"

namespace distsync {
namespace {

TEST(MemoryEventLogTest, AppendsReadsAndChains) {
  std::int64_t now = 100;
  MemoryEventLog log("c1", nullptr, [&] { return now; });
  ASSERT_TRUE(log.append({{"job-1", SyncQueued{"s", "all", "cli", "", false, false}}}).ok());
  now = 50;  // a clock that steps back must not make time decrease
  auto r = log.append({{"job-1", SyncCancelled{"x"}}, {"job-1", SyncCancelled{"y"}}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first_seq, 2u);
  EXPECT_EQ(r->last_seq, 3u);
  auto events = log.read(1, 100, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[2].time_us, 100);
  ChainVerifier v(1, kGenesisHash);
  for (const Event& e : *events) EXPECT_TRUE(v.add(e).is_ok());
}

TEST(MemoryEventLogTest, StaleExpectationIsAConflict) {
  MemoryEventLog log;
  ASSERT_TRUE(log.append({{"", SyncCancelled{"a"}}}, 0).ok());
  auto r = log.append({{"", SyncCancelled{"b"}}}, 0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kConflict);
  EXPECT_EQ(log.last_seq(), 1u);
}

TEST(MemoryEventLogTest, AnInjectedCommitFailureAppendsNothingAndTheChainGoesOn) {
  MemoryEventLog log;
  log.fail_commits([](const Event& e) { return e.type() == "SyncCompleted"; },
                   Status::io_error("disk full"));
  ASSERT_TRUE(log.append({{"job-1", SyncQueued{"s", "all", "cli", "", false, false}}}).ok());
  auto failed = log.append({{"job-1", SyncCompleted{}}});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Status::Code::kIOError);
  EXPECT_EQ(log.last_seq(), 1u);
  ASSERT_TRUE(log.append({{"job-1", SyncCompleted{}}}).ok()) << "only as often as asked";
  auto events = log.read(1, 10, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  ChainVerifier v(1, kGenesisHash);
  for (const Event& e : *events) EXPECT_TRUE(v.add(e).is_ok());
}

}  // namespace
}  // namespace distsync
