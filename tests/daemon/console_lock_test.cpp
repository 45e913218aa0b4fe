#include "daemon/console_lock.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

TEST(ConsoleLockTest, SecondHolderOfTheSameConsoleIsRefusedWithPid) {
  testing::TempDir dir;
  std::string run = dir.sub("run");
  auto first = ConsoleLock::acquire(run, "east", dir.path());
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  auto second = ConsoleLock::acquire(run, "east", dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(second.status().message(), "console 'east' is already running on data dir " +
                                           dir.path() + " (pid " + std::to_string(getpid()) + ")");
}

TEST(ConsoleLockTest, DifferentConsolesShareADataDir) {
  testing::TempDir dir;
  auto east = ConsoleLock::acquire(dir.sub("run"), "east", dir.path());
  auto west = ConsoleLock::acquire(dir.sub("run"), "west", dir.path());
  EXPECT_TRUE(east.ok());
  EXPECT_TRUE(west.ok());
}

TEST(ConsoleLockTest, ReleasedOnDestructionAndRunDirIsPrivate) {
  testing::TempDir dir;
  std::string run = dir.sub("run");
  {
    auto first = ConsoleLock::acquire(run, "east", dir.path());
    ASSERT_TRUE(first.ok());
  }
  auto again = ConsoleLock::acquire(run, "east", dir.path());
  EXPECT_TRUE(again.ok());
  struct stat st;
  ASSERT_EQ(stat(run.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0750u);
}

}  // namespace
}  // namespace distsync
