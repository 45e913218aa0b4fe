// The prune guard as a pure function of the counts.
#include <gtest/gtest.h>

#include "daemon/commands/prune_commands.h"

namespace distsync {
namespace {

TEST(PruneGuardTest, RefusesPastEitherLimitAndNamesTheFolder) {
  PruneLimits limits;  // 10%, 1000 files
  EXPECT_FALSE(prune_guard({{"Patches", 10, 100}}, limits));       // exactly 10%
  EXPECT_TRUE(prune_guard({{"Patches", 11, 100}}, limits));        // over 10%
  EXPECT_FALSE(prune_guard({{"Patches", 0, 0}}, limits));          // nothing to prune
  EXPECT_FALSE(prune_guard({{"Patches", 1000, 20000}}, limits));   // 5%, 1000 files
  auto r = prune_guard({{"DataFiles", 1, 50}, {"Patches", 1001, 20000}}, limits);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->folder, "Patches");
  EXPECT_EQ(r->would_remove, 1001u);
  EXPECT_EQ(r->files_on_server, 20000u);
  EXPECT_NE(prune_refusal_reason(*r).find("would remove 1001 of 20000 files in Patches"),
            std::string::npos);
  EXPECT_TRUE(prune_guard({{"Patches", 3, 3}}, limits));           // a folder of extras only
  EXPECT_FALSE(prune_guard({{"Patches", 3, 3}}, PruneLimits{100, 1000}));
}

}  // namespace
}  // namespace distsync
