#include "daemon/request_router.h"

#include <gtest/gtest.h>

namespace distsync {
namespace {

using nlohmann::json;

RequestRouter make_router() {
  RequestRouter r;
  r.add("echo", [](const json& args) -> Result<json> { return args; });
  r.add("refuse",
        [](const json&) -> Result<json> { return Status::conflict("server 'x' already exists"); });
  r.add("typed", [](const json& args) -> Result<json> {
    return json{{"n", args.at("n").get<int>() + 1}};
  });
  return r;
}

json handle(const RequestRouter& r, std::vector<std::string_view> frames, std::size_t max = 1024) {
  return json::parse(r.handle(frames, max));
}

TEST(RequestRouterTest, DispatchesToTheHandlerAndEchoesId) {
  auto r = make_router();
  json reply = handle(r, {"DSYNC1", R"({"op":"echo","args":{"a":1},"id":"q7"})"});
  EXPECT_EQ(reply["ok"], true);
  EXPECT_EQ(reply["result"]["a"], 1);
  EXPECT_EQ(reply["id"], "q7");
}

TEST(RequestRouterTest, MissingArgsIsAnEmptyObject) {
  auto r = make_router();
  json reply = handle(r, {"DSYNC1", R"({"op":"echo"})"});
  EXPECT_EQ(reply["ok"], true);
  EXPECT_TRUE(reply["result"].is_object());
  EXPECT_TRUE(reply["result"].empty());
  EXPECT_FALSE(reply.contains("id"));
}

TEST(RequestRouterTest, HandlerStatusBecomesErrorReplyWithCodeName) {
  auto r = make_router();
  json reply = handle(r, {"DSYNC1", R"({"op":"refuse","id":3})"});
  EXPECT_EQ(reply["ok"], false);
  EXPECT_EQ(reply["error"]["code"], "conflict");
  EXPECT_EQ(reply["error"]["message"], "server 'x' already exists");
  EXPECT_EQ(reply["id"], 3);
}

TEST(RequestRouterTest, ArgsOfTheWrongTypeAreInvalidArgumentNotACrash) {
  auto r = make_router();
  json reply = handle(r, {"DSYNC1", R"({"op":"typed","args":{"n":"one"}})"});
  EXPECT_EQ(reply["ok"], false);
  EXPECT_EQ(reply["error"]["code"], "invalid_argument");
  reply = handle(r, {"DSYNC1", R"({"op":"typed","args":{"n":41}})"});
  EXPECT_EQ(reply["result"]["n"], 42);
}

std::string nested_request(int depth) {
  // The body object is level 1, "args" level 2: `depth` levels in all.
  return R"({"op":"echo","args":{"x":)" + std::string(depth - 2, '[') +
         std::string(depth - 2, ']') + "}}";
}

TEST(RequestRouterTest, RequestNestedDeeperThanTheLimitIsRefusedBeforeParsing) {
  auto r = make_router();
  // 100,000 levels overflowed the stack when the handler's args were copied (issue 9).
  json deep = handle(r, {"DSYNC1", nested_request(100000)}, 1 << 20);
  EXPECT_EQ(deep["ok"], false);
  EXPECT_EQ(deep["error"]["code"], "invalid_argument");
  EXPECT_EQ(deep["error"]["message"], "request JSON nested deeper than 64 levels");

  json over = handle(r, {"DSYNC1", nested_request(65)});
  EXPECT_EQ(over["error"]["message"], "request JSON nested deeper than 64 levels");
  json at = handle(r, {"DSYNC1", nested_request(64)});
  EXPECT_EQ(at["ok"], true) << at.dump();
  // Brackets inside strings are data, not nesting, also after escaped quotes and backslashes.
  std::string s = std::string(500, '[') + R"(\\\")" + std::string(500, '{');
  json in_string = handle(r, {"DSYNC1", R"({"op":"echo","args":{"s":")" + s + "\"}}"}, 2048);
  EXPECT_EQ(in_string["ok"], true) << in_string.dump();
  EXPECT_EQ(in_string["result"]["s"], std::string(500, '[') + "\\\"" + std::string(500, '{'));
}

TEST(RequestRouterTest, EveryMalformedEnvelopeGetsAnInvalidArgumentReply) {
  auto r = make_router();
  std::string big(2000, ' ');
  std::vector<std::vector<std::string_view>> bad = {
      {},
      {"DSYNC1"},
      {"DSYNC1", R"({"op":"echo"})", "extra"},
      {"DSYNC9", R"({"op":"echo"})"},
      {"DSYNC1", "{not json"},
      {"DSYNC1", "[1,2]"},
      {"DSYNC1", R"({"args":{}})"},
      {"DSYNC1", R"({"op":7})"},
      {"DSYNC1", R"({"op":"echo","args":[1]})"},
      {"DSYNC1", R"({"op":"nope"})"},
      {"DSYNC1", big},
  };
  for (const auto& frames : bad) {
    json reply = handle(r, frames);
    EXPECT_EQ(reply["ok"], false) << reply.dump();
    EXPECT_EQ(reply["error"]["code"], "invalid_argument") << reply.dump();
    std::string msg = reply["error"]["message"];
    EXPECT_FALSE(msg.empty());
    EXPECT_EQ(msg.find('\n'), std::string::npos);
  }
}

TEST(RequestRouterTest, OversizedBodyIsRefusedBeforeParsing) {
  auto r = make_router();
  std::string body = R"({"op":"echo","args":{"pad":")" + std::string(100, 'x') + "\"}}";
  json reply = handle(r, {"DSYNC1", body}, body.size() - 1);
  EXPECT_EQ(reply["ok"], false);
  EXPECT_NE(reply["error"]["message"].get<std::string>().find("max_request_bytes"),
            std::string::npos);
  reply = handle(r, {"DSYNC1", body}, body.size());
  EXPECT_EQ(reply["ok"], true);
}

TEST(RequestRouterTest, UnknownOpIsNamed) {
  auto r = make_router();
  auto result = r.dispatch("servers.frobnicate", json::object());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("servers.frobnicate"), std::string::npos);
  EXPECT_TRUE(r.has("echo"));
  EXPECT_EQ(r.ops(), (std::vector<std::string>{"echo", "refuse", "typed"}));
}

}  // namespace
}  // namespace distsync
