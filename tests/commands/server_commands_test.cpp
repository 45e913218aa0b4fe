#include "daemon/commands/server_commands.h"

#include "daemon/commands/schedule_commands.h"
#include "tests/commands/command_fixture.h"

namespace distsync {
namespace {

class ServerCommandsTest : public testing::CommandFixture {
 protected:
  Status add(const ServerSpec& spec) {
    return run([&](const ProjectedState& s, auto* out) { return decide_server_add(s, spec, out); });
  }
};

TEST_F(ServerCommandsTest, AddValidatesNameAndPath) {
  EXPECT_TRUE(add(server("dist-01")).is_ok());
  ServerSpec relative = server("x");
  relative.root_path = "srv/x";
  Status s = add(relative);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("not absolute"), std::string::npos);
  ServerSpec bad = server("a b");
  EXPECT_EQ(add(bad).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(log_.last_seq(), 1u) << "refusals append nothing";
}

TEST_F(ServerCommandsTest, PathWithCredentialsIsRefusedSoNoSecretReachesTheLog) {
  ServerSpec s = server("a");
  s.root_path = "//admin:Secr3t@fileserver/share";
  Status st = add(s);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.message().find("Secr3t"), std::string::npos) << "the refusal must not echo it";
  EXPECT_EQ(log_.last_seq(), 0u);
}

TEST_F(ServerCommandsTest, NoDuplicateNameOrPath) {
  ASSERT_TRUE(add(server("a")).is_ok());
  EXPECT_EQ(add(server("a")).code(), Status::Code::kConflict);
  ServerSpec same_path = server("b");
  same_path.root_path = "/srv/a/";
  Status s = add(same_path);
  EXPECT_EQ(s.code(), Status::Code::kConflict);
  EXPECT_NE(s.message().find("server 'a' already uses path"), std::string::npos) << s.message();
}

TEST_F(ServerCommandsTest, RemoveWithSchedulesNeedsForceAndNamesThem) {
  ASSERT_TRUE(add(server("a")).is_ok());
  ScheduleSpec spec;
  spec.id = "sch-1";
  spec.server = "a";
  spec.component = "patches";
  spec.recurrence.frequency = Frequency::kDaily;
  spec.recurrence.start_date = "2026-06-01";
  spec.recurrence.time_zone = "UTC";
  ASSERT_TRUE(run([&](const ProjectedState& s, auto* out) {
                return decide_schedule_add(s, "c1", spec, now_us_, out);
              }).is_ok());
  Status s = run([&](const ProjectedState& st, auto* out) { return decide_server_remove(st, "a", false, out); });
  EXPECT_EQ(s.code(), Status::Code::kConflict);
  EXPECT_NE(s.message().find("sch-1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("--force"), std::string::npos);
  ASSERT_TRUE(run([&](const ProjectedState& st, auto* out) { return decide_server_remove(st, "a", true, out); }).is_ok());
  EXPECT_EQ(state([](const ProjectedState& st) { return st.schedules.find("sch-1"); }), nullptr);
  EXPECT_EQ(state([](const ProjectedState& st) { return st.servers.find("a"); }), nullptr);
}

TEST_F(ServerCommandsTest, EditRenamesAndRefusesUnknown) {
  ASSERT_TRUE(add(server("a")).is_ok());
  ServerSpec renamed = server("b");
  ASSERT_TRUE(run([&](const ProjectedState& s, auto* out) { return decide_server_edit(s, "a", renamed, out); }).is_ok());
  EXPECT_NE(state([](const ProjectedState& st) { return st.servers.find("b"); }), nullptr);
  EXPECT_EQ(run([&](const ProjectedState& s, auto* out) { return decide_server_edit(s, "zz", renamed, out); }).code(),
            Status::Code::kNotFound);
}

}  // namespace
}  // namespace distsync
