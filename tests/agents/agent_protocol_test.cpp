// The agent link's codec: what it accepts, and that it refuses anything else (frames come
// from another host).
#include <gtest/gtest.h>

#include "daemon/agents/agent_protocol.h"

namespace distsync {
namespace {

std::vector<std::string_view> views(const std::vector<std::string>& frames) {
  return {frames.begin(), frames.end()};
}

TEST(AgentProtocolTest, RoundTripsAChunkWithItsData) {
  AgentFrame f{"CHUNK", {{"req", 7}, {"index", 2}, {"offset", 0}}, std::string("ab\0c", 4)};
  std::vector<std::string> frames = encode_agent_frame(f);
  ASSERT_EQ(frames.size(), 4u);
  Result<AgentFrame> back = decode_agent_frame(views(frames));
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->verb, "CHUNK");
  EXPECT_EQ(back->body["req"], 7);
  EXPECT_EQ(back->data, std::string("ab\0c", 4));
}

TEST(AgentProtocolTest, RefusesMalformedFrames) {
  using F = std::vector<std::string>;
  for (const F& bad : {F{"DSAGENT0", "CALL", "{}"}, F{"DSAGENT1", "SHELL", "{}"},
                       F{"DSAGENT1", "CALL", "[1]"}, F{"DSAGENT1", "CALL", "{"},
                       F{"DSAGENT1", "CALL", "{}", "data"}, F{"DSAGENT1", "CHUNK", "{}"},
                       F{"DSAGENT1"}}) {
    EXPECT_FALSE(decode_agent_frame(views(bad)).ok()) << bad.size() << " " << bad[0];
  }
  F huge = {"DSAGENT1", "CHUNK", "{}", std::string(kAgentChunkBytes + 1, 'x')};
  EXPECT_FALSE(decode_agent_frame(views(huge)).ok());
}

TEST(AgentProtocolTest, RefusesABodyNestedTooDeep) {
  std::string deep = "{\"a\":" + std::string(10000, '[') + std::string(10000, ']') + "}";
  Result<AgentFrame> r = decode_agent_frame(views({"DSAGENT1", "HELLO", deep}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("agent frame body"), std::string::npos)
      << r.status().to_string();
  // Nesting within the limit still decodes.
  std::string shallow = "{\"a\":" + std::string(10, '[') + std::string(10, ']') + "}";
  EXPECT_TRUE(decode_agent_frame(views({"DSAGENT1", "HELLO", shallow})).ok());
}

TEST(AgentProtocolTest, StatusesTravelWithTheirCode) {
  Status s = status_from_json(status_json(Status::not_found("no such folder")));
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(s.message(), "no such folder");
  EXPECT_EQ(status_from_json("garbage").code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace distsync
