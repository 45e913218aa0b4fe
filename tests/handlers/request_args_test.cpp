// The one argument helper of the control ops (daemon/handlers/request_args.h): values,
// fallbacks, and one line naming the argument for each refusal.
#include "daemon/handlers/request_args.h"

#include <gtest/gtest.h>

#include "daemon/handlers/event_handlers.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

TEST(RequestArgsTest, RequiredStringNamesTheMissingArgument) {
  EXPECT_EQ(*required_string(json{{"job", "job-1"}}, "job"), "job-1");
  for (const json& args : {json::object(), json{{"job", ""}}, json{{"job", 7}}, json{{"job", nullptr}},
                           json::array()}) {
    auto r = required_string(args, "job");
    ASSERT_FALSE(r.ok()) << args.dump();
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(r.status().message(), "missing argument 'job'");
  }
}

TEST(RequestArgsTest, OptionalValuesFallBackAndRefuseTheWrongType) {
  EXPECT_EQ(*optional_string(json::object(), "component", "all"), "all");
  EXPECT_EQ(*optional_string(json{{"component", "core"}}, "component", "all"), "core");
  EXPECT_EQ(optional_string(json{{"component", 1}}, "component", "all").status().message(),
            "\"component\" must be a string");
  EXPECT_TRUE(*optional_bool(json{{"all", true}}, "all", false));
  EXPECT_FALSE(*optional_bool(json{{"all", nullptr}}, "all", false));
  EXPECT_EQ(optional_bool(json{{"all", "yes"}}, "all", false).status().message(),
            "\"all\" must be true or false");
}

TEST(RequestArgsTest, OptionalUintChecksItsRange) {
  EXPECT_EQ(*optional_uint(json::object(), "limit", 10, 1, 100), 10u);
  EXPECT_EQ(*optional_uint(json{{"limit", 100}}, "limit", 10, 1, 100), 100u);
  EXPECT_EQ(optional_uint(json{{"limit", 0}}, "limit", 10, 1, 100).status().message(),
            "\"limit\" must be between 1 and 100");
  EXPECT_EQ(optional_uint(json{{"limit", -1}}, "limit", 10, 1, 100).status().message(),
            "\"limit\" must be a non-negative integer");
  EXPECT_EQ(optional_uint(json{{"limit", 1.5}}, "limit", 10).status().message(),
            "\"limit\" must be a non-negative integer");
}

TEST(RequestArgsTest, StringListsRefuseNonStringsAndEmptyNames) {
  EXPECT_EQ(*optional_string_list(json{{"servers", {"a", "b"}}}, "servers", "names"),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(optional_string_list(json::object(), "servers", "names")->empty());
  for (const json& bad : {json("a"), json{1}, json{""}}) {
    auto r = optional_string_list(json{{"servers", bad}}, "servers", "names");
    ASSERT_FALSE(r.ok()) << bad.dump();
    EXPECT_EQ(r.status().message(), "servers must be a list of names");
  }
}

TEST(RequestArgsTest, EventsReadRangeKeepsItsDefaultsAndLimits) {
  auto r = parse_read_range(json::object(), 42);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->from, 1u);
  EXPECT_EQ(r->to, 42u);
  EXPECT_EQ(r->limit, kMaxReadLimit);
  EXPECT_EQ(parse_read_range(json{{"from", 0}}, 42)->from, 1u);
  EXPECT_EQ(parse_read_range(json{{"limit", 0}}, 42).status().message(),
            "\"limit\" must be between 1 and " + std::to_string(kMaxReadLimit));
  EXPECT_EQ(parse_read_range(json{{"from", "x"}}, 42).status().message(),
            "\"from\" must be a non-negative integer");
}

}  // namespace
}  // namespace distsync::testing
