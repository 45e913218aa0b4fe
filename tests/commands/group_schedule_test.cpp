// Schedules that name a group, and validate schedules, as pure decisions over an in-memory
// log with an injected "now": a group's members are resolved when an occurrence fires (so a
// server that joined after the schedule was made is synced too, and a download source is
// not, R3); a validate schedule starts one validation per server and appends no SyncQueued.
#include <set>

#include "daemon/commands/fire_commands.h"
#include "daemon/commands/group_commands.h"
#include "daemon/commands/server_commands.h"
#include "tests/commands/command_fixture.h"

namespace distsync::testing {
namespace {

constexpr std::int64_t kDayUs = 86'400'000'000LL;

class GroupScheduleTest : public CommandFixture {
 protected:
  void SetUp() override {
    for (const char* n : {"a", "b", "c"}) {
      ServerSpec s = server(n);
      s.download_source = std::string(n) == "c";
      ASSERT_TRUE(run([&](auto& st, auto* out) { return decide_server_add(st, s, out); }).is_ok());
    }
    ASSERT_TRUE(run([&](auto& s, auto* out) { return decide_group_add(s, "g", "patches", "", out); }).is_ok());
    join("a");
  }
  void join(const std::string& m) {
    std::vector<std::string> jobs;
    ASSERT_TRUE(run([&](auto& s, auto* out) {
      jobs.clear();
      return decide_group_member_add(s, "g", m, out, &jobs);
    }).is_ok());
  }
  static ScheduleSpec daily(const std::string& id, const std::string& kind) {
    ScheduleSpec spec;
    spec.id = id;
    spec.kind = kind;
    spec.server = "g";
    spec.component = "patches";
    spec.recurrence.frequency = Frequency::kDaily;
    spec.recurrence.start_date = "2026-05-20";
    spec.recurrence.time_of_day = "03:00";
    spec.recurrence.time_zone = "UTC";
    return spec;
  }
  Status add(const ScheduleSpec& spec) {
    return run([&](auto& s, auto* out) { return decide_schedule_add(s, "c1", spec, now_us_, out); });
  }
  FireOutcome fire_at(std::int64_t now) {
    FireOutcome outcome;
    EXPECT_TRUE(run([&](auto& s, auto* out) {
      outcome = FireOutcome{};
      return decide_fire_due(s, "c1", now, 2 * kDayUs, {}, out, &outcome);
    }).is_ok());
    return outcome;
  }
  std::set<std::string> servers_of(const FireOutcome& o, const std::string& kind) {
    std::set<std::string> out;
    for (const Started& s : o.started) {
      if (s.kind == kind) out.insert(s.server);
    }
    return out;
  }
};

TEST_F(GroupScheduleTest, GroupIsResolvedWhenTheOccurrenceFires) {
  ScheduleSpec nightly = daily("nightly", "sync");
  nightly.component = "core";  // the joins queued patches syncs; these are new jobs
  ASSERT_TRUE(add(nightly).is_ok());
  join("b");  // joins after the schedule was made
  join("c");  // a download source: no scheduled sync (R3)
  FireOutcome o = fire_at(now_us_ + kDayUs);
  EXPECT_EQ(servers_of(o, "sync"), (std::set<std::string>{"a", "b"}));
  state([&](const ProjectedState& s) {
    for (const Started& st : o.started) {
      const JobRecord* j = s.jobs.find(st.id);
      ASSERT_NE(j, nullptr);
      EXPECT_EQ(j->server, st.server);
      EXPECT_EQ(j->schedule_id, "nightly");
      EXPECT_EQ(j->component, "core");
      EXPECT_FALSE(st.joined);
    }
  });
}

TEST_F(GroupScheduleTest, ValidateScheduleStartsOneValidationPerServer) {
  ASSERT_TRUE(add(daily("check", "validate")).is_ok());
  join("b");
  join("c");  // a download source may be validated
  const std::uint64_t jobs_before = state([](const ProjectedState& s) { return s.jobs.unfinished().size(); });
  FireOutcome o = fire_at(now_us_ + kDayUs);
  EXPECT_EQ(servers_of(o, "validate"), (std::set<std::string>{"a", "b", "c"}));
  for (const Started& st : o.started) EXPECT_EQ(st.id.rfind("val", 0), 0u) << st.id;
  EXPECT_EQ(state([](const ProjectedState& s) { return s.jobs.unfinished().size(); }), jobs_before);
}

TEST_F(GroupScheduleTest, AnEmptyGroupMissesItsOccurrenceAndBadSpecsAreRefused) {
  ASSERT_TRUE(run([&](auto& s, auto* out) { return decide_group_add(s, "empty", "all", "", out); }).is_ok());
  ScheduleSpec spec = daily("void", "sync");
  spec.server = "empty";
  ASSERT_TRUE(add(spec).is_ok());
  FireOutcome o = fire_at(now_us_ + kDayUs);
  EXPECT_TRUE(o.started.empty());
  ASSERT_EQ(o.errors.size(), 1u);
  EXPECT_NE(o.errors[0].find("holds no server"), std::string::npos) << o.errors[0];

  const std::uint64_t seq = log_.last_seq();
  ScheduleSpec nowhere = daily("x", "validate");
  nowhere.server = "nowhere";
  EXPECT_EQ(add(nowhere).code(), Status::Code::kNotFound);
  ScheduleSpec none = daily("y", "validate");
  none.server.clear();
  EXPECT_NE(add(none).message().find("needs --server"), std::string::npos);
  EXPECT_EQ(log_.last_seq(), seq);
}

}  // namespace
}  // namespace distsync::testing
