// The allowlist commands and what they change in server placement: public keys only, one
// name per key, servers on different agents may share a path, revoke refuses while servers
// are on the agent.
#include "daemon/agents/agent_watch.h"
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

// A server on a pool of agents: every agent allowed, none twice, the first one in `agent`;
// the one-folder rule holds between servers that share any agent; revoke refuses for each
// agent of the pool, and AgentLost names the pool's servers.
TEST_F(AgentCommandsTest, APoolNamesAllowedAgentsOnceAndSharesItsFolderRule) {
  const std::string kKeyC = "e0Sf-pRbgpf}F*zW5AT*u1:*H<4uuU@dtT=8m$?P";
  ASSERT_TRUE(allow("a", kKeyA).is_ok());
  ASSERT_TRUE(allow("b", kKeyB).is_ok());
  ASSERT_TRUE(allow("c", kKeyC).is_ok());
  ServerSpec pool = server("pool");
  pool.root_path = "/srv/dist";
  pool.agent = "a";
  pool.more_agents = {"b", "nobody"};
  Status unknown = add(pool);
  EXPECT_EQ(unknown.code(), Status::Code::kNotFound);
  EXPECT_NE(unknown.message().find("no agent named 'nobody'"), std::string::npos);
  pool.more_agents = {"b", "a"};
  Status twice = add(pool);
  EXPECT_EQ(twice.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(twice.message().find("'a' is named twice"), std::string::npos) << twice.message();
  ServerSpec headless = pool;
  headless.agent = "";
  headless.more_agents = {"b"};
  EXPECT_EQ(add(headless).code(), Status::Code::kInvalidArgument);
  pool.more_agents = {"b"};
  ASSERT_TRUE(add(pool).is_ok());
  EXPECT_EQ(state([](const ProjectedState& s) { return s.servers.find("pool")->spec.pool(); }),
            (std::vector<std::string>{"a", "b"}));

  ServerSpec on_b = server("on-b"), on_c = server("on-c");
  on_b.root_path = on_c.root_path = "/srv/dist/sub";
  on_b.agent = "b";  // b's host holds the pool's folder: inside it is refused
  on_c.agent = "c";  // another host
  EXPECT_EQ(add(on_b).code(), Status::Code::kConflict);
  EXPECT_TRUE(add(on_c).is_ok());

  auto revoke = [&](const std::string& name) {
    return run([&](const ProjectedState& s, auto* out) {
      return decide_agent_revoke(s, name, false, out);
    });
  };
  Status refused = revoke("b");
  EXPECT_EQ(refused.code(), Status::Code::kConflict);
  EXPECT_NE(refused.message().find("pool"), std::string::npos) << refused.message();
  EXPECT_EQ(revoke("a").code(), Status::Code::kConflict);

  std::vector<EventDraft> lost;
  std::vector<AgentPresence> seen = {{"b", "10.0.0.2", "0.1.0", {"/srv"}, 1, false}};
  state([&](const ProjectedState& s) {
    decide_agent_presence(s, seen, 10'000'000, 1'000'000, &lost);
    return 0;
  });
  ASSERT_EQ(lost.size(), 1u);
  ASSERT_NE(std::get_if<AgentLost>(&lost[0].payload), nullptr);
  EXPECT_EQ(std::get<AgentLost>(lost[0].payload).servers, std::vector<std::string>{"pool"});
}

// AgentLost once per outage, after the timeout and not before; AgentReconnected once the
// agent is connected again; nothing for an agent never heard from or no longer allowed.
TEST_F(AgentCommandsTest, PresenceRecordsOneLossPerOutageAndTheReturn) {
  ASSERT_TRUE(allow("a", kKeyA).is_ok());
  ServerSpec s1 = server("s1");
  s1.agent = "a";
  ASSERT_TRUE(add(s1).is_ok());
  auto watch = [&](std::vector<AgentPresence> seen, std::int64_t now) {
    return run([&](const ProjectedState& s, auto* out) {
      decide_agent_presence(s, seen, now, 1'000'000, out);
      return Status::ok();
    });
  };
  auto count = [&](std::string_view type) {
    std::size_t n = 0;
    auto events = log_.read(1, log_.last_seq(), 1000);  // outlives the loop
    for (const Event& e : *events) n += e.type() == type;
    return n;
  };
  AgentPresence a{"a", "10.0.0.9", "0.1.0", {"/srv"}, 5'000'000, false};
  AgentPresence stranger{"z", "10.0.0.8", "0.1.0", {}, 1, false};  // not allowed
  AgentPresence never{"a", "", "", {}, 0, false};
  ASSERT_TRUE(watch({never, stranger}, 100'000'000).is_ok());
  ASSERT_TRUE(watch({a}, 6'000'000).is_ok());  // silent for 1 s: not past the timeout
  EXPECT_EQ(count("AgentLost"), 0u);
  ASSERT_TRUE(watch({a}, 6'000'001).is_ok());
  ASSERT_TRUE(watch({a}, 9'000'000).is_ok());
  ASSERT_EQ(count("AgentLost"), 1u);
  Event lost = log_.read(log_.last_seq(), log_.last_seq(), 1)->front();
  ASSERT_NE(lost.as<AgentLost>(), nullptr);
  EXPECT_EQ(*lost.as<AgentLost>(), (AgentLost{"a", 5'000'000, {"s1"}}));
  EXPECT_TRUE(state([](const ProjectedState& s) { return s.agents.find("a")->lost; }));

  a.last_seen_us = 9'500'000;  // heard from, but not connected yet: still lost
  ASSERT_TRUE(watch({a}, 9'600'000).is_ok());
  EXPECT_EQ(count("AgentReconnected"), 0u);
  a.connected = true;
  ASSERT_TRUE(watch({a}, 9'600'000).is_ok());
  ASSERT_TRUE(watch({a}, 9'700'000).is_ok());
  EXPECT_EQ(count("AgentReconnected"), 1u);
  Event back = log_.read(log_.last_seq(), log_.last_seq(), 1)->front();
  ASSERT_NE(back.as<AgentReconnected>(), nullptr);
  EXPECT_EQ(*back.as<AgentReconnected>(), (AgentReconnected{"a", 5'000'000, "10.0.0.9"}));
  EXPECT_FALSE(state([](const ProjectedState& s) { return s.agents.find("a")->lost; }));
}

}  // namespace
}  // namespace distsync::testing
