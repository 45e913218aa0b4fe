// MemoryTarget's test hooks, and the temps each kind of target clears.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "daemon/targets/local_target.h"
#include "daemon/targets/memory_target.h"
#include "tests/support/temp_dir.h"

namespace distsync::testing {
namespace {

TEST(MemoryTargetTest, AnInjectedWriteFailureHitsThatPathOnlyAndOnlyAsOftenAsAsked) {
  TempDir dir;
  std::ofstream(dir.sub("a.msu")) << "alpha";
  std::ofstream(dir.sub("b.msu")) << "bravo";
  MemoryTarget t;
  t.fail_writes("Patches/a.msu", CopyFailure::kNoSpace, 1);
  auto first = t.write_batch(
      {{dir.sub("a.msu"), "Patches/a.msu", ""}, {dir.sub("b.msu"), "Patches/b.msu", ""}}, {});
  EXPECT_EQ(first[0].failure, CopyFailure::kNoSpace);
  EXPECT_TRUE(first[1].ok());
  auto second = t.write_batch({{dir.sub("a.msu"), "Patches/a.msu", ""}}, {});
  EXPECT_TRUE(second[0].ok());
  EXPECT_EQ(t.files().at("Patches/a.msu").data, "alpha");
  EXPECT_EQ(t.batches_written(), 2u);
}

TEST(MemoryTargetTest, PreflightReportsTheInjectedFailureAndTheFreeSpace) {
  MemoryTarget t("mem:/berlin");
  t.set_free_bytes(10);
  PreflightReport small = t.preflight("Patches", 11);
  EXPECT_EQ(small.failure, PreflightFailure::kNoSpace);
  EXPECT_NE(small.status.message().find("mem:/berlin/Patches"), std::string::npos)
      << small.status.message();
  EXPECT_TRUE(t.preflight("Patches", 10).ok());
  PreflightReport denied;
  denied.failure = PreflightFailure::kNotWritable;
  denied.status = Status::io_error("target mem:/berlin is not writable; grant write access");
  t.fail_preflight(denied);
  EXPECT_EQ(t.preflight("Patches", 0).failure, PreflightFailure::kNotWritable);
}

TEST(MemoryTargetTest, StaleTempsAreRemovedAndNeverListed) {
  MemoryTarget t;
  t.put("Patches/a.msu", {"alpha", 1});
  t.put("Patches/.distsync-x.distsync-tmp", {"half", 1});
  t.put("DataFiles/.distsync-y.distsync-tmp", {"half", 1});
  auto listed = t.list("Patches", nullptr);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->files.size(), 1u);
  auto removed = t.remove_stale_temps("Patches");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_EQ(t.files().count("DataFiles/.distsync-y.distsync-tmp"), 1u) << "another folder";
}

TEST(LocalTargetTest, StaleTempsAreRemovedUnderTheFolderOnly) {
  TempDir dir;
  std::filesystem::create_directories(dir.sub("dist/Patches/sub"));
  std::filesystem::create_directories(dir.sub("dist/DataFiles"));
  std::ofstream(dir.sub("dist/Patches/sub/.distsync-x.distsync-tmp")) << "half";
  std::ofstream(dir.sub("dist/DataFiles/.distsync-y.distsync-tmp")) << "half";
  LocalTarget t(dir.sub("dist"));
  auto removed = t.remove_stale_temps("Patches");
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1u);
  EXPECT_TRUE(std::filesystem::exists(dir.sub("dist/DataFiles/.distsync-y.distsync-tmp")));
}

TEST(LocalTargetTest, AnEmptyRootTakesPathsAsGivenLikeTheCopyWorker) {
  LocalTarget t("");
  EXPECT_EQ(t.locate("/srv/dist/Patches/a.msu"), "/srv/dist/Patches/a.msu");
  EXPECT_EQ(LocalTarget("/srv/dist").locate("Patches/a.msu"), "/srv/dist/Patches/a.msu");
}

}  // namespace
}  // namespace distsync::testing
