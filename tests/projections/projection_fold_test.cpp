#include <gtest/gtest.h>

#include "events/log/memory_event_log.h"
#include "projections/projection_set.h"

namespace distsync {
namespace {

Event ev(std::uint64_t seq, std::string correlation, EventPayload p, std::string console = "c1") {
  Event e;
  e.seq = seq;
  e.time_us = static_cast<std::int64_t>(seq) * 1000;
  e.console = std::move(console);
  e.correlation = std::move(correlation);
  e.payload = std::move(p);
  return e;
}

ServerSpec server(const std::string& name) {
  ServerSpec s;
  s.name = name;
  s.root_path = "/srv/" + name;
  return s;
}

TEST(ServerProjectionTest, AddEditRenameRemove) {
  ServerState st;
  apply(st, ev(1, "", ServerAdded{server("a")}));
  ServerSpec renamed = server("b");
  renamed.description = "renamed";
  apply(st, ev(2, "", ServerEdited{"a", renamed}, "c2"));
  ASSERT_EQ(st.find("a"), nullptr);
  ASSERT_NE(st.find("b"), nullptr);
  EXPECT_EQ(st.find("b")->spec.description, "renamed");
  EXPECT_EQ(st.find("b")->added_by, "c1");
  EXPECT_EQ(st.find_by_path("/srv/b"), st.find("b"));
  apply(st, ev(3, "", ServerRemoved{"b", false}));
  EXPECT_TRUE(st.servers.items().empty());
}

TEST(ScheduleProjectionTest, OwnerIsTheAddingConsoleAndFiringIsRemembered) {
  ScheduleState st;
  ScheduleSpec spec;
  spec.id = "s1";
  spec.server = "a";
  spec.component = "all";
  apply(st, ev(1, "s1", ScheduleAdded{spec}, "console-b"));
  ASSERT_NE(st.find("s1"), nullptr);
  EXPECT_EQ(st.find("s1")->owner, "console-b");
  EXPECT_TRUE(syncs_core(st.find("s1")->spec));
  apply(st, ev(2, "s1", ScheduleFired{"s1", 5000, "schedule"}));
  apply(st, ev(3, "s1", ScheduleMissed{"s1", 4000, "late"}));
  EXPECT_EQ(st.find("s1")->last_occurrence_us, 5000);
  EXPECT_EQ(st.find("s1")->fired, 1u);
  EXPECT_EQ(st.find("s1")->missed, 1u);
  EXPECT_EQ(st.for_server("a").size(), 1u);
  apply(st, ev(4, "s1", ScheduleDeleted{"s1", "console-b"}, "c1"));
  EXPECT_EQ(st.find("s1"), nullptr);
}

TEST(JobProjectionTest, LifecycleAndProgressDerivedFromEvents) {
  JobState st;
  apply(st, ev(1, "j1", SyncQueued{"a", "patches", "manual", "", false, false}));
  EXPECT_EQ(st.active_for("a", "patches")->status, JobStatus::kQueued);
  apply(st, ev(2, "j1", SyncDeferred{"d1", "download d1 is running"}));
  EXPECT_EQ(st.find("j1")->status, JobStatus::kDeferred);
  EXPECT_EQ(st.find("j1")->deferred_by, "d1");
  apply(st, ev(3, "j1", SyncStarted{3, 300, 1, 1}));
  apply(st, ev(4, "j1", FileCopied{"x", 100, 1, "h1", false}));
  apply(st, ev(5, "j1", FileCopyFailed{"y", "io_error", "EIO", 1, 3, 99}));
  const JobRecord* j = st.find("j1");
  EXPECT_EQ(j->status, JobStatus::kRunning);
  EXPECT_EQ(j->files_done, 1u);
  EXPECT_EQ(j->bytes_done, 100u);
  EXPECT_EQ(j->retries.at("y").attempt, 1u);
  EXPECT_TRUE(st.was_copied("j1", "x", "h1"));
  EXPECT_FALSE(st.was_copied("j1", "x", "h2"));
  apply(st, ev(6, "j1", FileCopied{"y", 200, 1, "h2", false}));
  EXPECT_TRUE(st.find("j1")->retries.empty());
  apply(st, ev(7, "j1", SyncCompleted{2, 300, 1, 0, 0}));
  EXPECT_EQ(st.jobs.items().count("j1"), 0u) << "finished jobs leave the live set";
  ASSERT_NE(st.find("j1"), nullptr) << "readers still find a just-finished job";
  EXPECT_EQ(st.find("j1")->status, JobStatus::kCompleted);
  EXPECT_EQ(st.active_for("a", "patches"), nullptr);
  MapStateTable table;
  st.save(table);
  JobRecord done;
  ASSERT_TRUE(JobState::read_finished(table, "j1", &done));
  EXPECT_EQ(done.status, JobStatus::kCompleted);
  EXPECT_EQ(done.files_done, 2u);
  EXPECT_FALSE(table.get("jobfile/j1/x").has_value()) << "per-file records go with the job";
}

TEST(DownloadProjectionTest, RunningUntilCompletedOrFailed) {
  DownloadState st;
  apply(st, ev(1, "d1", DownloadStarted{"patches", "http://x/", {}, "manual", ""}));
  apply(st, ev(2, "d2", DownloadStarted{"refresh", "/src", {}, "manual", ""}));
  EXPECT_EQ(st.running().size(), 2u);
  apply(st, ev(3, "d1", DownloadCompleted{1, 1, 0, 10}));
  apply(st, ev(4, "d2", DownloadFailed{"boom", 0, 0, false}));
  EXPECT_TRUE(st.running().empty());
}

TEST(HistoryIndexTest, IndexesJobEventsUnderTheirServer) {
  HistoryIndex idx;
  apply(idx, ev(1, "j1", SyncQueued{"a", "patches", "manual", "", false, false}));
  apply(idx, ev(2, "j1", SyncStarted{1, 1, 0, 1}));
  apply(idx, ev(3, "j1", SyncCompleted{}));
  apply(idx, ev(4, "j1", SyncCompleted{}));  // after the job ended: not under the server
  MapStateTable t;
  idx.save(t);
  EXPECT_EQ(HistoryIndex::lookup(t, "idx/server/a/", 100), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(HistoryIndex::lookup(t, "idx/job/j1/", 100), (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(HistoryIndex::lookup(t, "idx/type/SyncCompleted/", 100), (std::vector<std::uint64_t>{3, 4}));
}

TEST(ProjectionSetTest, StateIsPersistedWithTheEventsAndReloaded) {
  ProjectionSet projections;
  MemoryEventLog log("c1", &projections);
  ASSERT_TRUE(log.append({{"", ServerAdded{server("a")}}}).ok());
  EXPECT_EQ(projections.with_state([](const ProjectedState& s) { return s.servers.servers.items().size(); }), 1u);
  ProjectionSet fresh;
  ASSERT_TRUE(fresh.refresh(log).is_ok());
  EXPECT_NE(fresh.with_state([](const ProjectedState& s) { return s.servers.find("a"); }), nullptr);
  EXPECT_EQ(fresh.with_state([](const ProjectedState& s) { return s.seq; }), 1u);
}

}  // namespace
}  // namespace distsync
