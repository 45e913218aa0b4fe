#include "daemon/commands/schedule_commands.h"

#include "daemon/commands/server_commands.h"
#include "tests/commands/command_fixture.h"

namespace distsync {
namespace {

class ScheduleCommandsTest : public testing::CommandFixture {
 protected:
  void SetUp() override {
    for (const char* name : {"a", "b"}) {
      ServerSpec s = server(name);
      ASSERT_TRUE(run([&](const ProjectedState& st, auto* out) { return decide_server_add(st, s, out); }).is_ok());
    }
    ServerSpec src = server("source");
    src.download_source = true;
    ASSERT_TRUE(run([&](const ProjectedState& st, auto* out) { return decide_server_add(st, src, out); }).is_ok());
  }

  static ScheduleSpec patch_tuesday(const std::string& id, const std::string& server,
                                    const std::string& component) {
    ScheduleSpec spec;
    spec.id = id;
    spec.server = server;
    spec.component = component;
    Recurrence& r = spec.recurrence;
    r.frequency = Frequency::kMonthly;
    r.start_date = "2026-06-01";
    r.time_of_day = "03:00";
    r.time_zone = "Europe/Berlin";
    r.monthly_mode = MonthlyMode::kNthWeekday;
    r.nth = 2;
    r.weekday = "tue";
    r.delay_days = 4;
    return spec;
  }

  Status add(const std::string& console, const ScheduleSpec& spec) {
    log_.set_console(console);
    return run([&](const ProjectedState& s, auto* out) { return decide_schedule_add(s, console, spec, now_us_, out); });
  }
  Status edit(const std::string& console, const ScheduleSpec& spec) {
    log_.set_console(console);
    return run([&](const ProjectedState& s, auto* out) { return decide_schedule_edit(s, console, spec, now_us_, out); });
  }
};

TEST_F(ScheduleCommandsTest, DownloadSourceServerGetsNoScheduledSync) {
  Status s = add("c1", patch_tuesday("s1", "source", "patches"));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("download source"), std::string::npos) << s.message();
}

TEST_F(ScheduleCommandsTest, OnlyTheOwnerEditsOrRunsButAnyoneDeletes) {
  ASSERT_TRUE(add("console-b", patch_tuesday("s1", "a", "patches")).is_ok());
  ScheduleSpec changed = patch_tuesday("s1", "a", "patches");
  changed.recurrence.delay_days = 5;
  Status s = edit("c1", changed);
  EXPECT_NE(s.message().find("belongs to console 'console-b'"), std::string::npos) << s.message();
  std::vector<Started> started;
  log_.set_console("c1");
  s = run([&](const ProjectedState& st, auto* out) {
    return decide_schedule_run(st, "c1", {"s1"}, {}, out, &started);
  });
  EXPECT_NE(s.message().find("console-b"), std::string::npos) << s.message();
  EXPECT_TRUE(edit("console-b", changed).is_ok());
  log_.set_console("c1");
  EXPECT_TRUE(run([&](const ProjectedState& st, auto* out) { return decide_schedule_delete(st, "s1", out); }).is_ok());
  auto deleted = log_.read(log_.last_seq(), log_.last_seq(), 1);
  ASSERT_NE(deleted->front().as<ScheduleDeleted>(), nullptr);
  EXPECT_EQ(deleted->front().as<ScheduleDeleted>()->owner, "console-b");
}

TEST_F(ScheduleCommandsTest, OneConsoleHoldsCoreSchedulesPerServer) {
  ASSERT_TRUE(add("c1", patch_tuesday("s1", "a", "core")).is_ok());
  ASSERT_TRUE(add("c1", patch_tuesday("s2", "a", "all")).is_ok()) << "same console may add more";
  Status s = add("c2", patch_tuesday("s3", "a", "all"));
  EXPECT_EQ(s.code(), Status::Code::kConflict);
  EXPECT_NE(s.message().find("console 'c1'"), std::string::npos) << s.message();
  EXPECT_TRUE(add("c2", patch_tuesday("s4", "a", "patches")).is_ok()) << "patches are not restricted";
  EXPECT_TRUE(add("c2", patch_tuesday("s5", "b", "core")).is_ok()) << "another server is free";
}

TEST_F(ScheduleCommandsTest, RunNowQueuesSyncsForSeveralSchedulesAndJoinsQueuedJobs) {
  ASSERT_TRUE(add("c1", patch_tuesday("s1", "a", "patches")).is_ok());
  ASSERT_TRUE(add("c1", patch_tuesday("s2", "b", "patches")).is_ok());
  ASSERT_TRUE(add("c1", patch_tuesday("s3", "a", "patches")).is_ok());
  std::vector<Started> started;
  ASSERT_TRUE(run([&](const ProjectedState& st, auto* out) {
                return decide_schedule_run(st, "c1", {"s1", "s2", "s3"}, {}, out, &started);
              }).is_ok());
  ASSERT_EQ(started.size(), 3u);
  EXPECT_FALSE(started[0].joined);
  EXPECT_FALSE(started[1].joined);
  EXPECT_TRUE(started[2].joined) << "s3 targets the same server and component as s1";
  EXPECT_EQ(started[2].id, started[0].id);
  auto jobs = state([](const ProjectedState& st) { return st.jobs.unfinished().size(); });
  EXPECT_EQ(jobs, 2u);
  auto events = log_.read(1, 100, 100);
  EXPECT_EQ(std::string(events->back().type()), "SyncQueued");
  EXPECT_EQ(events->back().as<SyncQueued>()->trigger, "manual");
}

struct BadInput {
  const char* what;
  std::function<void(ScheduleSpec&)> change;
  const char* message_part;
};

TEST_F(ScheduleCommandsTest, BadInputGetsOneLineAndChangesNothing) {
  const std::vector<BadInput> cases = {
      {"Feb 30", [](ScheduleSpec& s) { s.recurrence.frequency = Frequency::kOnce; s.recurrence.delay_days = 0; s.recurrence.start_date = "2027-02-30"; }, "2027-02-30"},
      {"nth 5", [](ScheduleSpec& s) { s.recurrence.nth = 5; }, "5"},
      {"delay 32", [](ScheduleSpec& s) { s.recurrence.delay_days = 32; }, "32"},
      {"weekday", [](ScheduleSpec& s) { s.recurrence.weekday = "funday"; }, "funday"},
      {"zone", [](ScheduleSpec& s) { s.recurrence.time_zone = "Mars/Olympus"; }, "Mars/Olympus"},
      {"25:00", [](ScheduleSpec& s) { s.recurrence.time_of_day = "25:00"; }, "25:00"},
      {"past", [](ScheduleSpec& s) { s.recurrence.frequency = Frequency::kOnce; s.recurrence.delay_days = 0; s.recurrence.start_date = "2020-01-01"; }, "past"},
      {"no weekdays", [](ScheduleSpec& s) { s.recurrence.frequency = Frequency::kWeekly; s.recurrence.delay_days = 0; s.recurrence.weekdays = {}; }, "weekday"},
      {"no server", [](ScheduleSpec& s) { s.server = "nope"; }, "nope"},
      {"component", [](ScheduleSpec& s) { s.component = "everything"; }, "everything"},
  };
  for (const BadInput& c : cases) {
    ScheduleSpec spec = patch_tuesday("bad", "a", "patches");
    c.change(spec);
    std::uint64_t before = log_.last_seq();
    Status s = add("c1", spec);
    EXPECT_FALSE(s.is_ok()) << c.what;
    EXPECT_NE(s.message().find(c.message_part), std::string::npos) << c.what << ": " << s.message();
    EXPECT_EQ(s.message().find('\n'), std::string::npos) << c.what;
    EXPECT_EQ(log_.last_seq(), before) << c.what;
  }
}

}  // namespace
}  // namespace distsync
