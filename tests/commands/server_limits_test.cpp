// validate_server_spec holds a server's limits to the one range the CLI shows too
// (server_limits.h).
#include "daemon/commands/server_commands.h"

#include <gtest/gtest.h>

namespace distsync {
namespace {

ServerSpec spec() {
  ServerSpec s;
  s.name = "dist-01";
  s.root_path = "/srv/dist-01";
  return s;
}

TEST(ServerLimitsTest, ParallelCopiesRunFromOneToTheMaximum) {
  ServerSpec s = spec();
  for (std::uint32_t n : {1u, kMaxParallelCopies}) {
    s.max_parallel_copies = n;
    EXPECT_TRUE(validate_server_spec(s).is_ok()) << n;
  }
  for (std::uint32_t n : {0u, kMaxParallelCopies + 1}) {
    s.max_parallel_copies = n;
    Status refused = validate_server_spec(s);
    EXPECT_EQ(refused.code(), Status::Code::kInvalidArgument) << n;
    EXPECT_NE(refused.message().find("1-" + std::to_string(kMaxParallelCopies)), std::string::npos)
        << refused.message();
  }
}

TEST(ServerLimitsTest, BandwidthAboveTheMaximumIsRefused) {
  ServerSpec s = spec();
  s.bandwidth_limit_bps = kMaxBandwidthBps;
  EXPECT_TRUE(validate_server_spec(s).is_ok());
  s.bandwidth_limit_bps = kMaxBandwidthBps + 1;
  EXPECT_EQ(validate_server_spec(s).code(), Status::Code::kInvalidArgument);
  s.bandwidth_limit_bps = UINT64_MAX;
  EXPECT_EQ(validate_server_spec(s).code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace distsync
