// The alerter's restart path (alerter.h, alert_state_file.h) over the in-memory log twin and
// a real command hook that appends each alert to a file: saved deliveries are re-queued with
// their ids and attempt counts, events after the cursor are alerted, and the catch-up skips
// events older than 24 h or more than kMaxCatchUpEvents behind the head. The alerter's clock
// and the log's are injected; waits poll with deadlines.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "daemon/alerts/alert_state_file.h"
#include "daemon/alerts/alerter.h"
#include "events/log/memory_event_log.h"
#include "events/sync_events.h"
#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

using namespace std::chrono_literals;
constexpr std::int64_t kHourUs = 3600LL * 1000 * 1000;
constexpr std::int64_t kNow = 100 * 24 * kHourUs;

class AlerterResumeTest : public ::testing::Test {
 protected:
  AlerterResumeTest() : log_("east", nullptr, [this] { return event_time_.load(); }) {}

  std::uint64_t fail(const std::string& job, std::int64_t time_us) {
    event_time_ = time_us;
    auto r = log_.append({EventDraft{job, SyncFailed{"boom", 0, 1}}});
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->last_seq : 0;
  }

  std::unique_ptr<Alerter> alerter() {
    AlertRule rule;
    rule.name = "hook";
    rule.events = {"SyncFailed"};
    rule.command = {"/bin/sh", "-c", "cat >> \"$0\" && echo >> \"$0\"", dir_.sub("alerts.jsonl")};
    rule.max_attempts = 5;
    rule.backoff_ms = 100;
    auto a = Alerter::create(
        log_, AlerterOptions{"east", {rule}, [] { return kNow; }, state_path()});
    EXPECT_TRUE(a.ok()) << a.status().to_string();
    return a.ok() ? std::move(a).value() : nullptr;
  }

  // The correlations of the alerts the hook got so far.
  std::vector<std::string> alerted() {
    std::vector<std::string> jobs;
    std::ifstream in(dir_.sub("alerts.jsonl"));
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) jobs.push_back(nlohmann::json::parse(line)["event"].value("correlation", ""));
    }
    return jobs;
  }

  // alerted(), once there are `n` (or 20 s passed).
  std::vector<std::string> await_alerted(std::size_t n) {
    std::vector<std::string> jobs = alerted();
    for (auto deadline = std::chrono::steady_clock::now() + 20s;
         jobs.size() < n && std::chrono::steady_clock::now() < deadline;) {
      std::this_thread::sleep_for(10ms);
      jobs = alerted();
    }
    return jobs;
  }

  std::string state_path() const { return dir_.sub("alerts-east.json"); }

  testing::TempDir dir_;
  std::atomic<std::int64_t> event_time_{kNow};
  MemoryEventLog log_;
};

TEST_F(AlerterResumeTest, SavedDeliveriesAreReQueuedWithTheirAttempts) {
  const std::uint64_t seq = fail("job-1", kNow - kHourUs);
  AlertState saved;
  saved.console = "east";
  saved.cursor = seq;
  saved.next_id = 8;
  saved.deliveries.push_back({"alert-7", "hook", seq, "retrying", 2, "exit 1", kNow - 10, kNow - 5,
                              kNow - 1});
  ASSERT_TRUE(save_alert_state(state_path(), saved).is_ok());

  auto a = alerter();
  a->start();
  EXPECT_EQ(await_alerted(1), std::vector<std::string>{"job-1"});
  fail("job-2", kNow);
  EXPECT_EQ(await_alerted(2), (std::vector<std::string>{"job-1", "job-2"}));
  a->stop();
  auto d = a->deliveries();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].id, "alert-7");
  EXPECT_EQ(d[0].state, "delivered");
  EXPECT_EQ(d[0].attempts, 3);
  EXPECT_EQ(d[1].id, "alert-8");
  EXPECT_EQ(d[1].attempts, 1);

  auto after = load_alert_state(state_path(), "east");
  ASSERT_TRUE(after.ok()) << after.status().to_string();
  EXPECT_EQ(after->cursor, log_.last_seq());
  EXPECT_EQ(after->next_id, 9u);
  EXPECT_TRUE(after->deliveries.empty());
  ASSERT_EQ(after->finished.size(), 2u);
  EXPECT_EQ(after->finished[0].delivery.id, "alert-7");

  // Started again: nothing is sent twice, and the finished deliveries are shown again.
  auto again = alerter();
  again->start();
  fail("job-3", kNow);
  EXPECT_EQ(await_alerted(3), (std::vector<std::string>{"job-1", "job-2", "job-3"}));
  again->stop();  // joined: no attempt is still running
  EXPECT_EQ(alerted().size(), 3u);
  auto shown = again->deliveries();
  ASSERT_EQ(shown.size(), 3u);
  EXPECT_EQ(shown[0].id, "alert-7");
  EXPECT_EQ(shown[0].state, "delivered");
  EXPECT_EQ(shown[0].attempts, 3);
  EXPECT_EQ(shown[0].kind, "command");
  EXPECT_EQ(shown[0].event_type, "SyncFailed");
  EXPECT_EQ(shown[0].correlation, "job-1");
  EXPECT_EQ(shown[1].id, "alert-8");
  EXPECT_EQ(shown[1].correlation, "job-2");
  EXPECT_EQ(shown[2].id, "alert-9");
  EXPECT_EQ(shown[2].correlation, "job-3");
}

TEST_F(AlerterResumeTest, CatchUpSkipsEventsOlderThanADay) {
  AlertState saved;
  saved.console = "east";
  ASSERT_TRUE(save_alert_state(state_path(), saved).is_ok());  // cursor 0
  fail("job-old", kNow - 30 * kHourUs);
  fail("job-young", kNow - 2 * kHourUs);
  auto a = alerter();
  a->start();
  EXPECT_EQ(await_alerted(1), std::vector<std::string>{"job-young"});
  a->stop();
  EXPECT_EQ(alerted().size(), 1u);
}

TEST_F(AlerterResumeTest, CatchUpSkipsEventsTooFarBehindTheHead) {
  AlertState saved;
  saved.console = "east";
  ASSERT_TRUE(save_alert_state(state_path(), saved).is_ok());  // cursor 0
  fail("job-far", kNow);
  for (std::uint64_t i = 0; i < Alerter::kMaxCatchUpEvents; i += 500) {
    std::vector<EventDraft> filler(500, EventDraft{"job-ok", SyncCompleted{}});
    ASSERT_TRUE(log_.append(std::move(filler)).ok());
  }
  fail("job-near", kNow);
  auto a = alerter();
  a->start();
  EXPECT_EQ(await_alerted(1), std::vector<std::string>{"job-near"});
  a->stop();
  EXPECT_EQ(alerted().size(), 1u);
}

TEST_F(AlerterResumeTest, NoFileOrACorruptOneStartsAtTheHead) {
  fail("job-before", kNow);
  std::ofstream(state_path()) << "not json";
  auto a = alerter();
  a->start();
  fail("job-after", kNow);
  EXPECT_EQ(await_alerted(1), std::vector<std::string>{"job-after"});
  a->stop();
  auto after = load_alert_state(state_path(), "east");
  ASSERT_TRUE(after.ok()) << after.status().to_string();  // rewritten sound
  EXPECT_EQ(after->cursor, log_.last_seq());
}

}  // namespace
}  // namespace distsync
