#include "events/json_text.h"

#include <gtest/gtest.h>

#include "events/codec.h"
#include "events/event_json.h"

namespace distsync {
namespace {

std::string nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonDepthTest, AcceptsTheLimitAndRefusesOneMore) {
  EXPECT_TRUE(check_json_depth(nested(kMaxJsonDepth), "request").is_ok());
  Status s = check_json_depth(nested(kMaxJsonDepth + 1), "request");
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "request JSON nested deeper than 64 levels");
  EXPECT_TRUE(check_json_depth("{\"a\":[{\"b\":[]}],\"c\":{}}", "x", 4).is_ok());
  EXPECT_FALSE(check_json_depth("{\"a\":[{\"b\":[]}],\"c\":{}}", "x", 3).is_ok());
  EXPECT_TRUE(check_json_depth("", "x").is_ok());
  EXPECT_TRUE(check_json_depth("17", "x", 0).is_ok());
}

TEST(JsonDepthTest, RefusesAHundredThousandLevelsInConstantStack) {
  std::string deep = "{\"op\":\"status\",\"args\":{\"x\":" + nested(100000) + "}}";
  EXPECT_EQ(check_json_depth(deep, "request").message(),
            "request JSON nested deeper than 64 levels");
}

TEST(JsonDepthTest, BracketsInsideStringsAreNotNesting) {
  std::string brackets(1000, '[');
  EXPECT_TRUE(check_json_depth("[\"" + brackets + "\"]", "x").is_ok());
  // An escaped quote does not end the string; an escaped backslash does not escape the quote.
  EXPECT_TRUE(check_json_depth("[\"\\\"" + brackets + "\"]", "x").is_ok());
  EXPECT_FALSE(check_json_depth("[\"\\\\\"" + brackets + "\"]", "x").is_ok());
  EXPECT_TRUE(check_json_depth("[\"\\u005b\\\\\\\"" + brackets + "\"]", "x").is_ok());
  EXPECT_TRUE(check_json_depth("{\"" + brackets + "\":1}", "x").is_ok());
}

TEST(JsonDepthTest, StrayClosersBuyNoExtraDepth) {
  EXPECT_FALSE(check_json_depth(std::string(100, ']') + nested(kMaxJsonDepth + 1), "x").is_ok());
  EXPECT_FALSE(check_json_depth("[]]]]]" + nested(kMaxJsonDepth + 1), "x").is_ok());
}

TEST(JsonDepthTest, EventDecodersRefuseDeepJsonAsCorruption) {
  auto e = from_json("{\"seq\":1,\"payload\":" + nested(100000) + "}");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), Status::Code::kCorruption);
  EXPECT_EQ(e.status().message(), "event JSON nested deeper than 64 levels");
  auto p = payload_from_json("ConsoleStarted", "{\"pid\":" + nested(100000) + "}");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kCorruption);
  EXPECT_EQ(p.status().message(), "payload JSON nested deeper than 64 levels");
}

}  // namespace
}  // namespace distsync
