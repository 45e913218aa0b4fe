// The allowlist commands and what they change in server placement: public keys only, one
// name per key, servers on different agents may share a path, revoke refuses while servers
// are on the agent.
#include "daemon/commands/agent_commands.h"
#include "daemon/commands/server_commands.h"
#include "tests/commands/command_fixture.h"

namespace distsync::testing {
namespace {

const std::string kKeyA = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
const std::string kKeyB = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";

class AgentCommandsTest : public CommandFixture {
 protected:
  Status allow(const std::string& name, const std::string& key) {
    return run([&](const ProjectedState& s, auto* out) {
      return decide_agent_allow(s, name, key, out);
    });
  }
  Status add(ServerSpec spec) {
    return run([&](const ProjectedState& s, auto* out) { return decide_server_add(s, spec, out); });
  }
};

TEST_F(AgentCommandsTest, AllowsPublicKeysOnlyOneNamePerKey) {
  EXPECT_EQ(allow("a", "short").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(allow("../a", kKeyA).code(), Status::Code::kInvalidArgument);
  ASSERT_TRUE(allow("a", kKeyA).is_ok());
  EXPECT_TRUE(allow("a", kKeyA).is_ok());  // the same again records nothing
  EXPECT_EQ(allow("b", kKeyA).code(), Status::Code::kConflict);
  EXPECT_EQ(allow("a", kKeyB).code(), Status::Code::kConflict);
  EXPECT_EQ(state([](const ProjectedState& s) { return s.agents.agents.items().size(); }), 1u);
  EXPECT_EQ(log_.last_seq(), 1u);
}

TEST_F(AgentCommandsTest, ServersOnDifferentAgentsMayShareAPath) {
  ASSERT_TRUE(allow("a", kKeyA).is_ok());
  ASSERT_TRUE(allow("b", kKeyB).is_ok());
  ServerSpec s1 = server("s1"), s2 = server("s2"), s3 = server("s3"), s4 = server("s4");
  s1.root_path = s2.root_path = s3.root_path = "/srv/dist";
  s1.agent = "a";
  s2.agent = "b";
  s3.agent = "a";
  s4.agent = "nobody";
  EXPECT_TRUE(add(s1).is_ok());
  EXPECT_TRUE(add(s2).is_ok());
  EXPECT_EQ(add(s3).code(), Status::Code::kConflict);
  EXPECT_EQ(add(s4).code(), Status::Code::kNotFound);

  auto revoke = [&](bool force) {
    return run([&](const ProjectedState& s, auto* out) {
      return decide_agent_revoke(s, "a", force, out);
    });
  };
  EXPECT_EQ(revoke(false).code(), Status::Code::kConflict);
  EXPECT_TRUE(revoke(true).is_ok());
  EXPECT_EQ(state([](const ProjectedState& s) { return s.agents.find("a"); }), nullptr);
}

}  // namespace
}  // namespace distsync::testing
