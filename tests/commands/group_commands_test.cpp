// Server groups as pure decisions over an in-memory log: nesting, the self-containment
// refusal, the sync a joining server gets, name resolution.
#include "daemon/commands/group_commands.h"

#include "daemon/commands/server_commands.h"
#include "tests/commands/command_fixture.h"

namespace distsync::testing {
namespace {

class GroupCommandsTest : public CommandFixture {
 protected:
  void SetUp() override {
    for (const char* n : {"a", "b", "c"}) {
      ASSERT_TRUE(run([&](auto& s, auto* out) { return decide_server_add(s, server(n), out); }).is_ok());
    }
  }
  Status add(const std::string& g, const std::string& component = "all") {
    return run([&](auto& s, auto* out) { return decide_group_add(s, g, component, "", out); });
  }
  Status join(const std::string& g, const std::string& m, std::vector<std::string>* jobs = nullptr) {
    std::vector<std::string> local;
    return run([&](auto& s, auto* out) {
      (jobs ? jobs : &local)->clear();
      return decide_group_member_add(s, g, m, out, jobs ? jobs : &local);
    });
  }
};

TEST_F(GroupCommandsTest, JoiningServerGetsOneSyncOfTheGroupsComponent) {
  ASSERT_TRUE(add("g", "patches").is_ok());
  std::vector<std::string> jobs;
  ASSERT_TRUE(join("g", "a", &jobs).is_ok());
  ASSERT_EQ(jobs.size(), 1u);
  state([&](const ProjectedState& s) {
    const JobRecord* j = s.jobs.find(jobs[0]);
    ASSERT_NE(j, nullptr);
    EXPECT_EQ(j->server, "a");
    EXPECT_EQ(j->component, "patches");
    EXPECT_EQ(j->trigger, "group");
  });
  EXPECT_EQ(join("g", "a").code(), Status::Code::kConflict);
}

TEST_F(GroupCommandsTest, NestedGroupsExpandAndCyclesAreRefused) {
  ASSERT_TRUE(add("inner").is_ok());
  ASSERT_TRUE(add("outer").is_ok());
  ASSERT_TRUE(join("inner", "a").is_ok());
  std::vector<std::string> jobs;
  ASSERT_TRUE(join("outer", "inner", &jobs).is_ok());
  EXPECT_EQ(jobs.size(), 1u);  // a joined outer through inner (joins a's queued job)
  ASSERT_TRUE(join("outer", "b").is_ok());
  const std::uint64_t seq = log_.last_seq();
  Status self = join("inner", "inner");
  EXPECT_EQ(self.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(self.message().find("cannot contain itself"), std::string::npos);
  Status cycle = join("inner", "outer");
  EXPECT_EQ(cycle.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(cycle.message().find("already contains 'inner'"), std::string::npos);
  EXPECT_EQ(log_.last_seq(), seq);  // nothing recorded
  state([&](const ProjectedState& s) {
    EXPECT_EQ(s.groups.expand("outer"), (std::vector<std::string>{"a", "b"}));
    auto r = resolve_server_names(s, {"b", "outer", "c"});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, (std::vector<std::string>{"b", "a", "c"}));
    EXPECT_EQ(resolve_server_names(s, {"zz"}).status().code(), Status::Code::kNotFound);
  });
}

TEST_F(GroupCommandsTest, NamesAreSharedWithServersAndRemovalCleansUp) {
  EXPECT_EQ(add("a").code(), Status::Code::kConflict);
  EXPECT_EQ(add("bad name").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(add("g", "everything").code(), Status::Code::kInvalidArgument);
  ASSERT_TRUE(add("g").is_ok());
  EXPECT_EQ(run([&](auto& s, auto* out) { return decide_server_add(s, server("g"), out); }).code(),
            Status::Code::kConflict);
  ASSERT_TRUE(add("h").is_ok());
  ASSERT_TRUE(join("h", "g").is_ok());
  ASSERT_TRUE(run([&](auto& s, auto* out) { return decide_group_remove(s, "g", out); }).is_ok());
  state([&](const ProjectedState& s) { EXPECT_TRUE(s.groups.find("h")->members.empty()); });
}

}  // namespace
}  // namespace distsync::testing
