// query_history over a MemoryEventLog whose ProjectionSet keeps the history indexes: every
// filter's answer equals a brute-force filter of the whole log.
#include "daemon/history/history_query.h"
#include "daemon/history/acknowledgements.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "events/log/memory_event_log.h"
#include "projections/projection_set.h"

namespace distsync {
namespace {

class HistoryQueryTest : public ::testing::Test {
 protected:
  HistoryQueryTest() : log_("east", &projections_, [this] { return now_ += 1'000'000; }) {}

  void append(std::string correlation, EventPayload payload) {
    ASSERT_TRUE(log_.append({EventDraft{std::move(correlation), std::move(payload)}}).ok());
  }

  // Two servers, a schedule, three jobs (one scheduled), a download, and another console.
  void write_history() {
    ServerSpec a, b;
    a.name = "alpha";
    a.root_path = "/srv/a";
    b.name = "beta";
    b.root_path = "/srv/b";
    append("", ServerAdded{a});
    append("", ServerAdded{b});
    Recurrence r;
    r.frequency = Frequency::kDaily;
    r.start_date = "2026-01-01";
    r.time_zone = "UTC";
    append("sch-1", ScheduleAdded{ScheduleSpec{"sch-1", "sync", "alpha", "all", r, true}});
    append("sch-1", ScheduleFired{"sch-1", 5, "schedule"});
    append("job-1", SyncQueued{"alpha", "all", "schedule", "sch-1", false, false});
    append("dl-1", DownloadStarted{"patches", "/mirror", {}, "manual", ""});
    append("job-2", SyncQueued{"beta", "core", "manual", "", false, false});
    append("job-1", SyncDeferred{"dl-1", "download dl-1 is running"});
    append("dl-1", DownloadCompleted{2, 2, 0, 300});
    append("job-1", SyncStarted{3, 3000, 1, 1});
    log_.set_console("west");
    append("job-2", SyncStarted{1, 10, 0, 1});
    append("job-1", FileCopied{"Patches/a.msu", 1000, 1, "h", false});
    append("job-1", FileCopyFailed{"Patches/b.msu", "io_error", "EIO", 1, 3, 99'000'000});
    append("job-2", FileCopied{"DataFiles/e.dat", 10, 1, "h", false});
    append("job-1", FileCopied{"Patches/b.msu", 2000, 1, "h", false});
    append("job-2", SyncCompleted{1, 10, 0, 0, 0});
    log_.set_console("east");
    append("job-1", SyncFailed{"Patches/c.msu: no space", 2, 1});
    append("job-3", SyncQueued{"alpha", "core", "manual", "", false, false});
    append("", ServerEdited{"beta", b});
  }

  std::vector<std::uint64_t> seqs(const HistoryFilter& f) {
    auto page = query_history(log_, f);
    EXPECT_TRUE(page.ok()) << page.status().to_string();
    std::vector<std::uint64_t> out;
    if (page.ok()) {
      for (const Event& e : page->events) out.push_back(e.seq);
    }
    return out;
  }

  // The same filter, checked on every event of the log (no index).
  std::vector<std::uint64_t> brute(const HistoryFilter& f) {
    auto all = log_.read(1, log_.last_seq(), 100000);
    std::vector<std::uint64_t> out;
    for (const Event& e : *all) {
      if (history_matches(f, e)) out.push_back(e.seq);
    }
    return out;
  }

  std::int64_t now_ = 1'700'000'000'000'000;
  ProjectionSet projections_;
  MemoryEventLog log_;
};

TEST_F(HistoryQueryTest, JobFilterReadsTheJobsEventsInOrder) {
  write_history();
  HistoryFilter f;
  f.job = "job-1";
  EXPECT_EQ(seqs(f), (std::vector<std::uint64_t>{5, 8, 10, 12, 13, 15, 17}));
  EXPECT_EQ(seqs(f), brute(f));
  f.job = "job-";  // a prefix of ids is no id
  EXPECT_TRUE(seqs(f).empty());
}

TEST_F(HistoryQueryTest, TypeConsoleAndScheduleFiltersMatchABruteForceScan) {
  write_history();
  for (const char* type : {"SyncQueued", "FileCopied", "ServerAdded", "SyncCancelled"}) {
    HistoryFilter f;
    f.type = type;
    EXPECT_EQ(seqs(f), brute(f)) << type;
  }
  HistoryFilter west;
  west.console = "west";
  EXPECT_EQ(seqs(west), (std::vector<std::uint64_t>{11, 12, 13, 14, 15, 16}));
  HistoryFilter sched;
  sched.schedule = "sch-1";
  // The schedule's own events and the sync it queued, not another SyncQueued.
  EXPECT_EQ(seqs(sched), (std::vector<std::uint64_t>{3, 4, 5}));
  EXPECT_EQ(seqs(sched), brute(sched));
  HistoryFilter both;
  both.type = "FileCopied";
  both.console = "west";
  both.job = "job-2";
  EXPECT_EQ(seqs(both), (std::vector<std::uint64_t>{14}));
}

TEST_F(HistoryQueryTest, ServerFilterIncludesTheLaterEventsOfItsJobs) {
  write_history();
  HistoryFilter f;
  f.server = "beta";
  // ServerAdded, the job's SyncQueued, its SyncStarted/FileCopied/SyncCompleted, ServerEdited.
  EXPECT_EQ(seqs(f), (std::vector<std::uint64_t>{2, 7, 11, 14, 16, 19}));
  f.type = "FileCopied";
  EXPECT_EQ(seqs(f), (std::vector<std::uint64_t>{14}));
}

// Only SyncQueued names a job's server; the page names it for every later event of the job,
// finished or not, and for a schedule's events (ScheduleAdded names its server).
TEST_F(HistoryQueryTest, PageNamesTheServerOfEveryJobEvent) {
  write_history();
  append("job-4", SyncQueued{"beta", "patches", "manual", "", false, false});
  append("job-4", SyncCancelled{"operator"});
  auto page = query_history(log_, HistoryFilter{});
  ASSERT_TRUE(page.ok()) << page.status().to_string();
  std::set<std::string> types;
  for (const Event& e : page->events) {
    const auto& s = page->servers;
    const std::string expected =
        e.correlation == "job-1" || e.correlation == "job-3" || e.correlation == "sch-1" ? "alpha"
        : e.correlation == "job-2" || e.correlation == "job-4"                           ? "beta"
                                                                                         : "";
    if (expected.empty() || e.as<SyncQueued>() || e.as<ScheduleAdded>()) continue;
    types.insert(std::string(e.type()));
    ASSERT_TRUE(s.count(e.correlation)) << e.type() << " of " << e.correlation;
    EXPECT_EQ(s.at(e.correlation), expected) << e.type() << " of " << e.correlation;
  }
  EXPECT_EQ(types, (std::set<std::string>{"ScheduleFired", "SyncDeferred", "SyncStarted",
                                          "FileCopied", "FileCopyFailed", "SyncCompleted",
                                          "SyncFailed", "SyncCancelled"}));
  EXPECT_EQ(page->servers.count("dl-1"), 0u);  // a download has no server

  // A page holding only a job's late events still knows its server (the finished job-2).
  HistoryFilter completed;
  completed.type = "SyncCompleted";
  auto late = query_history(log_, completed);
  ASSERT_TRUE(late.ok());
  ASSERT_EQ(late->events.size(), 1u);
  EXPECT_EQ(late->servers, (std::map<std::string, std::string>{{"job-2", "beta"}}));
}

TEST_F(HistoryQueryTest, TimeRangeLimitNewestAndAfterSeq) {
  write_history();
  const std::int64_t t0 = 1'700'000'000'000'000;  // event n has time t0 + n seconds
  HistoryFilter f;
  f.since_us = t0 + 5'000'000;
  f.until_us = t0 + 9'000'000;
  EXPECT_EQ(seqs(f), (std::vector<std::uint64_t>{5, 6, 7, 8}));
  f.job = "job-1";
  EXPECT_EQ(seqs(f), (std::vector<std::uint64_t>{5, 8}));

  HistoryFilter limited;
  limited.limit = 3;
  auto page = query_history(log_, limited);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->more);
  EXPECT_EQ(page->head, 19u);
  EXPECT_EQ(page->events.front().seq, 1u);
  limited.newest = true;
  EXPECT_EQ(seqs(limited), (std::vector<std::uint64_t>{17, 18, 19}));
  limited.job = "job-1";
  EXPECT_EQ(seqs(limited), (std::vector<std::uint64_t>{13, 15, 17}));
  limited.newest = false;
  limited.after_seq = 10;
  EXPECT_EQ(seqs(limited), (std::vector<std::uint64_t>{12, 13, 15}));
  limited.limit = 10;
  auto rest = query_history(log_, limited);
  ASSERT_TRUE(rest.ok());
  EXPECT_FALSE(rest->more);
}

TEST_F(HistoryQueryTest, ParsesArgumentsAndRefusesUnknownOnes) {
  const std::int64_t now = 1'800'000'000'000'000;
  auto f = parse_history_filter(
      {{"job", "j"}, {"since", "7d"}, {"until", "2026-11-10 03:00"}, {"limit", 5}}, now,
      "Europe/Berlin");
  ASSERT_TRUE(f.ok()) << f.status().to_string();
  EXPECT_EQ(*f->job, "j");
  EXPECT_EQ(*f->since_us, now - 7LL * 86400 * 1'000'000);
  EXPECT_EQ(*f->until_us, 1794276000LL * 1'000'000);  // 02:00Z
  EXPECT_EQ(f->limit, 5u);
  EXPECT_FALSE(parse_history_filter({{"jobs", "j"}}, now, "UTC").ok());
  EXPECT_FALSE(parse_history_filter({{"type", "NoSuchEvent"}}, now, "UTC").ok());
  EXPECT_FALSE(parse_history_filter({{"since", "yesterday-ish"}}, now, "UTC").ok());
  EXPECT_FALSE(parse_history_filter({{"limit", 0}}, now, "UTC").ok());
  EXPECT_EQ(parse_history_filter({{"limit", 1'000'000}}, now, "UTC")->limit, kMaxHistoryLimit);
}

TEST_F(HistoryQueryTest, EventsOfJobUsesTheIndex) {
  write_history();
  auto events = events_of_job(log_, "dl-1");
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].type(), "DownloadStarted");
  EXPECT_EQ((*events)[1].type(), "DownloadCompleted");
  EXPECT_TRUE(events_of_job(log_, "nobody")->empty());
}

// Paging back: newest + before_seq is the page just before a page, with `more` saying
// whether older matches remain; walking back from the latest page visits every match once.
TEST_F(HistoryQueryTest, PagesBackwardWithBeforeSeq) {
  write_history();
  HistoryFilter f;
  f.limit = 4;
  f.newest = true;
  std::vector<std::uint64_t> visited;
  std::uint64_t before = 0;
  for (int page_no = 0; page_no < 10; ++page_no) {
    f.before_seq = before;
    auto page = query_history(log_, f);
    ASSERT_TRUE(page.ok()) << page.status().to_string();
    ASSERT_FALSE(page->events.empty());
    std::vector<std::uint64_t> got;
    for (const Event& e : page->events) got.push_back(e.seq);
    visited.insert(visited.begin(), got.begin(), got.end());
    before = got.front();
    if (!page->more) break;
  }
  std::vector<std::uint64_t> all;
  for (std::uint64_t s = 1; s <= 19; ++s) all.push_back(s);
  EXPECT_EQ(visited, all);

  f.job = "job-1";
  f.before_seq = 15;
  EXPECT_EQ(seqs(f), (std::vector<std::uint64_t>{8, 10, 12, 13}));
  f.before_seq = 5;
  EXPECT_TRUE(seqs(f).empty());
  EXPECT_FALSE(parse_history_filter({{"before_seq", -1}}, 0, "UTC").ok());
  auto parsed = parse_history_filter({{"before_seq", 7}, {"newest", true}}, 0, "UTC");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->before_seq, 7u);
}

// An acknowledgement joins the event it names through idx/ack/, oldest first; other events
// have none.
TEST_F(HistoryQueryTest, AcknowledgementsJoinTheirEvent) {
  write_history();
  log_.set_console("west");
  append("job-1", EventAcknowledged{17, "SyncFailed", "alice", "disk replaced"});
  log_.set_console("east");
  append("job-1", EventAcknowledged{17, "SyncFailed", "bob", ""});
  append("job-2", EventAcknowledged{16, "SyncCompleted", "carol", ""});
  HistoryFilter f;
  f.after_seq = 15;
  f.limit = 4;  // seqs 16..19
  auto page = query_history(log_, f);
  ASSERT_TRUE(page.ok());
  auto acks = acknowledgements_of(log_, page->events);
  ASSERT_TRUE(acks.ok()) << acks.status().to_string();
  ASSERT_EQ(acks->size(), 2u);
  const auto& failed = acks->at(17);
  ASSERT_EQ(failed.size(), 2u);
  EXPECT_EQ(failed[0].by, "alice");
  EXPECT_EQ(failed[0].note, "disk replaced");
  EXPECT_EQ(failed[0].console, "west");
  EXPECT_EQ(failed[0].seq, 20u);
  EXPECT_EQ(failed[1].by, "bob");
  EXPECT_GT(failed[1].time_us, failed[0].time_us);
  EXPECT_EQ(acks->at(16).front().by, "carol");
  nlohmann::json j = acknowledgements_json(*acks);
  EXPECT_EQ(j["17"][1]["by"], "bob");
  EXPECT_FALSE(j.contains("18"));
}

}  // namespace
}  // namespace distsync
