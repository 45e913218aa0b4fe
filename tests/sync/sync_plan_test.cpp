// build_sync_plan against a MemoryTarget and a console folder on disk: without verify the
// hash cache is read after the diff, so only the files to copy get a hash from it, and only
// when their stamp still matches; a plan with nothing to copy leaves every hash empty.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "daemon/content/sha256_file.h"
#include "daemon/sync/sync_plan.h"
#include "daemon/targets/memory_target.h"
#include "tests/support/temp_dir.h"

namespace distsync::testing {
namespace {

namespace fs = std::filesystem;

std::int64_t mtime_of(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

class SyncPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(console());
    fs::create_directories(cache_dir());
    for (const char* name : {"a.msu", "b.msu", "c.msu"}) write(name, std::string("content of ") + name);
  }
  std::string console() const { return dir_.sub("console/Patches"); }
  std::string cache_dir() const { return dir_.sub("cache"); }
  void write(const std::string& name, const std::string& data) {
    std::ofstream(console() + "/" + name, std::ios::binary | std::ios::trunc) << data;
  }
  std::vector<ComponentRoot> roots() const {
    return {{"patches", console(), "Patches", "mem:/dist/Patches"}};
  }
  PlannedFile planned(const std::string& name) const {
    std::string path = console() + "/" + name;
    struct stat st;
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return PlannedFile{"Patches/" + name, path, "Patches/" + name,
                       static_cast<std::uint64_t>(st.st_size), mtime_of(path),
                       static_cast<std::uint64_t>(st.st_ino), *sha256_file(path)};
  }
  // Puts a and b on the target as the console has them.
  void mirror(const std::string& name) {
    std::string path = console() + "/" + name;
    std::ifstream in(path, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    target_.put("Patches/" + name, MemoryFile{data, mtime_of(path)});
  }
  Result<SyncPlan> plan(Target& target) {
    PlanOptions o;
    o.cache_dir = cache_dir();
    return build_sync_plan(roots(), target, o, locks_);
  }
  Result<SyncPlan> plan() { return plan(target_); }

  TempDir dir_;
  MemoryTarget target_;
  ManifestLocks locks_;
};

TEST_F(SyncPlanTest, FilesToCopyTakeTheirCachedHashAndAStaleEntryIsNotUsed) {
  ASSERT_TRUE(remember_copied_hashes(roots(), cache_dir(),
                                     {planned("a.msu"), planned("b.msu"), planned("c.msu")}, locks_)
                  .is_ok());
  mirror("a.msu");
  // b changes after its hash was cached: its cache entry no longer matches its stamp.
  write("b.msu", "new content of b, longer than before");
  Result<SyncPlan> p = plan();
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  ASSERT_EQ(p->to_copy.size(), 2u);
  EXPECT_EQ(p->up_to_date, 1u);
  std::map<std::string, std::string> hashes;
  for (const PlannedFile& f : p->to_copy) hashes[f.rel] = f.sha256;
  EXPECT_EQ(hashes["Patches/b.msu"], "");  // hashed by its copy instead
  EXPECT_EQ(hashes["Patches/c.msu"], *sha256_file(console() + "/c.msu"));
}

TEST_F(SyncPlanTest, NothingToCopyWritesNoCacheAndWithoutOneTheCopiesHash) {
  for (const char* name : {"a.msu", "b.msu", "c.msu"}) mirror(name);
  Result<SyncPlan> p = plan();
  ASSERT_TRUE(p.ok()) << p.status().to_string();
  EXPECT_TRUE(p->to_copy.empty());
  EXPECT_EQ(p->up_to_date, 3u);
  EXPECT_FALSE(fs::exists(cache_dir() + "/patches.hash-cache"));  // the plan writes no cache
  // Without a cache, the files to copy carry no hash: their copies take it.
  MemoryTarget empty;
  Result<SyncPlan> all = plan(empty);
  ASSERT_TRUE(all.ok()) << all.status().to_string();
  ASSERT_EQ(all->to_copy.size(), 3u);
  for (const PlannedFile& f : all->to_copy) EXPECT_EQ(f.sha256, "") << f.rel;
}

}  // namespace
}  // namespace distsync::testing
