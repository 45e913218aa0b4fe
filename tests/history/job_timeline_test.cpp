#include "daemon/history/job_timeline.h"

#include <gtest/gtest.h>

#include "daemon/history/event_summary.h"

namespace distsync {
namespace {

Event at(std::uint64_t seq, std::int64_t t, EventPayload p) {
  Event e;
  e.seq = seq;
  e.time_us = t;
  e.console = "east";
  e.correlation = "job-9";
  e.payload = std::move(p);
  return e;
}

TEST(JobTimelineTest, QueuedDeferredStartedProgressRetriesOutcome) {
  std::vector<Event> events = {
      at(1, 100, SyncQueued{"alpha", "patches", "schedule", "sch-1", false, false}),
      at(2, 200, SyncDeferred{"dl-1", "download dl-1 is running"}),
      at(3, 300, SyncStarted{3, 3000, 4, 1}),
      at(4, 400, FileCopied{"Patches/a", 1000, 0, "h", true}),
      at(5, 500, FileCopyFailed{"Patches/b", "io_error", "EIO", 1, 3, 900}),
      at(6, 900, FileCopied{"Patches/b", 1500, 0, "h", true}),
      at(7, 950, FileCopyFailed{"Patches/c", "no_space", "ENOSPC", 3, 3, 0}),
      at(8, 990, SyncFailed{"1 file could not be copied", 2, 1}),
  };
  JobTimeline t = build_job_timeline("job-9", events);
  EXPECT_EQ(t.kind, "sync");
  EXPECT_EQ(t.server, "alpha");
  EXPECT_EQ(t.schedule_id, "sch-1");
  EXPECT_EQ(t.state, "failed");
  EXPECT_EQ(t.outcome_reason, "1 file could not be copied");
  ASSERT_EQ(t.deferrals.size(), 1u);
  EXPECT_EQ(t.deferrals[0], "download dl-1 is running");
  EXPECT_EQ(t.queued_us, 100);
  EXPECT_EQ(t.started_us, 300);
  EXPECT_EQ(t.finished_us, 990);
  EXPECT_EQ(t.files_copied, 2u);
  EXPECT_EQ(t.bytes_copied, 2500u);
  EXPECT_EQ(t.files_failed, 1u);  // b was retried and copied; c had no retry left
  ASSERT_EQ(t.progress.size(), 2u);
  EXPECT_EQ(t.progress[1].bytes, 2500u);
  EXPECT_EQ(t.progress[1].time_us, 900);
  ASSERT_EQ(t.retries.size(), 2u);
  EXPECT_EQ(t.retries[0].attempt, 1u);
  EXPECT_EQ(t.retries[0].max_attempts, 3u);
  EXPECT_EQ(t.retries[0].next_retry_us, 900);
  EXPECT_EQ(t.retries[1].next_retry_us, 0);
  EXPECT_EQ(t.entries.size(), events.size());
  EXPECT_EQ(t.entries[1].detail, "deferred: download dl-1 is running");

  nlohmann::json j = timeline_json(t);
  EXPECT_EQ(j["state"], "failed");
  EXPECT_EQ(j["retries"][0]["next_retry_us"], 900);
  EXPECT_EQ(j["entries"].size(), events.size());
}

TEST(JobTimelineTest, ProgressIsThinnedButKeepsTheLastPoint) {
  std::vector<Event> events = {at(1, 1, SyncQueued{"alpha", "all", "cli", "", false, false}),
                               at(2, 2, SyncStarted{1000, 1000, 0, 1})};
  for (int i = 0; i < 1000; ++i)
    events.push_back(at(3 + i, 3 + i, FileCopied{"f", 1, 0, "h", false}));
  events.push_back(at(1003, 2000, SyncCompleted{1000, 1000, 0, 0, 0}));
  nlohmann::json j = timeline_json(build_job_timeline("job-9", events), 50);
  EXPECT_LE(j["progress"].size(), 51u);
  EXPECT_GE(j["progress"].size(), 40u);
  EXPECT_EQ(j["progress"].back()["files"], 1000);
  EXPECT_EQ(j["state"], "completed");
}

TEST(JobTimelineTest, DownloadsHaveTimelinesToo) {
  JobTimeline t = build_job_timeline(
      "dl-1", {at(1, 10, DownloadStarted{"patches", "/mirror", {}, "manual", ""}),
               at(2, 20, DownloadFailed{"hash mismatch for a.msu", 1, 100, false})});
  EXPECT_EQ(t.kind, "download");
  EXPECT_EQ(t.state, "failed");
  EXPECT_EQ(t.outcome_reason, "hash mismatch for a.msu");
  EXPECT_EQ(t.bytes_copied, 100u);
}

TEST(EventSummaryTest, HumanBytes) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(1023), "1023 B");
  EXPECT_EQ(human_bytes(1536), "1.5 KB");
  EXPECT_EQ(human_bytes(5ULL << 30), "5.0 GB");
}

}  // namespace
}  // namespace distsync
