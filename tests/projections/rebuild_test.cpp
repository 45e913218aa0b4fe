#include <gtest/gtest.h>

#include <random>
#include <thread>

#include "events/log/lmdb_event_log.h"
#include "events/log/map_state_table.h"
#include "projections/projection_set.h"
#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

// A varied history: servers, schedules, jobs that finish or not, downloads, appended from
// several threads so that commands share transactions in unpredictable groups.
void write_history(EventLog& log, int threads, int per_thread) {
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937 rng(t);
      std::vector<std::future<Result<AppendResult>>> inflight;
      for (int i = 0; i < per_thread; ++i) {
        std::string job = "job-" + std::to_string(t) + "-" + std::to_string(i / 6);
        std::string srv = "srv-" + std::to_string(rng() % 5);
        std::vector<EventDraft> batch;
        switch (i % 6) {
          case 0: {
            ServerSpec s;
            s.name = srv;
            s.root_path = "/srv/" + srv;
            batch.push_back({"", ServerAdded{s}});
            batch.push_back({job, SyncQueued{srv, "patches", "cli", "", false, false}});
            break;
          }
          case 1: batch.push_back({job, SyncStarted{2, 20, 0, 1}}); break;
          case 2: batch.push_back({job, FileCopied{"f" + std::to_string(i), 10, 1, "h", false}}); break;
          case 3: batch.push_back({"dl-" + job, DownloadStarted{"patches", "x", {}, "manual", ""}}); break;
          case 4: batch.push_back({"dl-" + job, DownloadCompleted{1, 1, 0, 1}}); break;
          case 5:
            if (rng() % 2) batch.push_back({job, SyncCompleted{1, 10, 0, 0, 0}});
            else batch.push_back({job, FileCopyFailed{"g", "io_error", "EIO", 1, 3, 5}});
            break;
        }
        inflight.push_back(log.append_async(std::move(batch)));
      }
      for (auto& f : inflight) EXPECT_TRUE(f.get().ok());
    });
  }
  for (auto& w : workers) w.join();
}

TEST(RebuildTest, OfflineRebuildEqualsLiveState) {
  testing::TempDir dir;
  ProjectionSet projections;
  LmdbLogOptions o;
  o.dir = dir.path();
  o.console = "c1";
  o.folder = &projections;
  auto log = std::move(LmdbEventLog::open(o)).value();
  write_history(*log, 4, 600);

  MapStateTable live;
  ASSERT_TRUE(log->read_state([&](std::uint64_t, StateTable& t) {
    t.scan("", [&](std::string_view k, std::string_view v) {
      live.put(k, v);
      return true;
    });
  }).is_ok());
  MapStateTable rebuilt;
  ASSERT_TRUE(rebuild(*log, log->last_seq(), rebuilt).is_ok());
  EXPECT_GT(live.map().size(), 100u);
  EXPECT_EQ(live.map().size(), rebuilt.map().size());
  EXPECT_TRUE(live.map() == rebuilt.map());
}

TEST(RebuildTest, ReopenLoadsPersistedStateWithoutReplay) {
  testing::TempDir dir;
  {
    ProjectionSet projections;
    LmdbLogOptions o;
    o.dir = dir.path();
    o.console = "c1";
    o.folder = &projections;
    auto log = std::move(LmdbEventLog::open(o)).value();
    write_history(*log, 1, 120);
  }
  ProjectionSet projections;
  LmdbLogOptions o;
  o.dir = dir.path();
  o.console = "c1";
  o.folder = &projections;
  auto log = std::move(LmdbEventLog::open(o)).value();
  ASSERT_TRUE(projections.refresh(*log).is_ok());
  EXPECT_EQ(projections.with_state([](const ProjectedState& s) { return s.seq; }), log->last_seq());
  EXPECT_EQ(projections.with_state([](const ProjectedState& s) { return s.servers.servers.items().size(); }), 5u);
}

}  // namespace
}  // namespace distsync

namespace distsync {
namespace {

TEST(RebuildTest, ALogWrittenWithoutProjectionsIsCaughtUpOnOpen) {
  testing::TempDir dir;
  {
    LmdbLogOptions o;
    o.dir = dir.path();
    o.console = "c1";
    auto bare = std::move(LmdbEventLog::open(o)).value();  // no folder: no projection state
    write_history(*bare, 1, 120);
  }
  ProjectionSet projections;
  LmdbLogOptions o;
  o.dir = dir.path();
  o.console = "c1";
  o.folder = &projections;
  auto log = std::move(LmdbEventLog::open(o)).value();
  ASSERT_TRUE(projections.refresh(*log).is_ok());
  EXPECT_EQ(projections.with_state([](const ProjectedState& s) { return s.seq; }), log->last_seq());
  EXPECT_EQ(projections.with_state([](const ProjectedState& s) { return s.servers.servers.items().size(); }), 5u);
  // The next write persists the caught-up state: it then equals an offline rebuild.
  ASSERT_TRUE(log->append({{"", SyncCancelled{"x"}}}).ok());
  MapStateTable live, rebuilt;
  ASSERT_TRUE(log->read_state([&](std::uint64_t, StateTable& t) {
    t.scan("", [&](std::string_view k, std::string_view v) {
      live.put(k, v);
      return true;
    });
  }).is_ok());
  ASSERT_TRUE(rebuild(*log, log->last_seq(), rebuilt).is_ok());
  EXPECT_TRUE(live.map() == rebuilt.map());
}

}  // namespace
}  // namespace distsync
