#include "events/status.h"

#include <gtest/gtest.h>

#include "events/result.h"

namespace distsync {
namespace {

TEST(StatusTest, CodeNamesRoundTrip) {
  for (auto c : {Status::Code::kOk, Status::Code::kNotFound, Status::Code::kConflict,
                 Status::Code::kCorruption, Status::Code::kIOError, Status::Code::kInvalidArgument,
                 Status::Code::kUnavailable}) {
    EXPECT_EQ(Status::code_from_name(Status::code_name(c)), c);
  }
  EXPECT_EQ(Status::conflict("x").to_string(), "conflict: x");
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good = 3;
  Result<int> bad = Status::not_found("no such server 'x'");
  EXPECT_TRUE(good.ok());
  EXPECT_EQ(*good, 3);
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kNotFound);
  EXPECT_DEATH((void)bad.value(), "invariant");
}

}  // namespace
}  // namespace distsync
