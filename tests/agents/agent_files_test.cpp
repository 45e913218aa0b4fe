// AgentFiles, the agent's side: paths outside what it serves are refused and named, a batch
// lands atomically with its mtime, and an aborted batch leaves no temp.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "daemon/agents/agent_files.h"
#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

namespace fs = std::filesystem;

std::size_t temps_under(const std::string& root) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().filename().string().ends_with(".distsync-tmp")) ++n;
  }
  return n;
}

TEST(AgentFilesTest, RefusesPathsOutsideWhatItServes) {
  testing::TempDir dir;
  std::string root = dir.sub("serve");
  fs::create_directories(root);
  fs::create_directories(dir.sub("elsewhere"));
  fs::create_directory_symlink(dir.sub("elsewhere"), root + "/escape");
  AgentFiles files({root}, dir.sub("state"));
  EXPECT_TRUE(files.check(root + "/Patches/a.msu").ok());
  for (const std::string& bad : std::vector<std::string>{dir.sub("elsewhere"), root + "/../elsewhere", "relative/path",
                                 root + "/escape/x", root + "x"}) {
    Result<std::string> r = files.check(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  EXPECT_NE(files.check(dir.sub("other")).status().message().find("outside the folders"),
            std::string::npos);
  auto listed = files.call("list", {{"dir", dir.sub("elsewhere")}});
  EXPECT_FALSE(listed.ok());
  EXPECT_FALSE(files.call("rm -rf", {{"dir", root}}).ok());
}

TEST(AgentFilesTest, ABatchLandsWithItsMtimeAndAnAbortLeavesNoTemp) {
  testing::TempDir dir;
  std::string root = dir.sub("serve");
  fs::create_directories(root);
  AgentFiles files({root}, dir.sub("state"));
  fs::create_directories(dir.sub("state"));
  const std::int64_t mtime = 1'700'000'000'123'456'789;
  ASSERT_TRUE(files.begin(1, true).is_ok());
  ASSERT_TRUE(files.add_file(1, {{"index", 0}, {"path", root + "/P/a.bin"}, {"size", 6},
                                 {"mtime_ns", mtime}, {"sha256", ""}})
                  .is_ok());
  ASSERT_TRUE(files.write_chunk(1, {{"index", 0}, {"offset", 0}}, "abc").is_ok());
  EXPECT_FALSE(fs::exists(root + "/P/a.bin")) << "visible before the commit";
  ASSERT_TRUE(files.write_chunk(1, {{"index", 0}, {"offset", 3}}, "def").is_ok());
  auto done = files.commit(1);
  ASSERT_TRUE(done.ok()) << done.status().to_string();
  EXPECT_TRUE((*done)["files"][0].value("ok", false)) << done->dump();
  std::ifstream in(root + "/P/a.bin");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "abcdef");
  struct stat st {};
  ASSERT_EQ(::stat((root + "/P/a.bin").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec, mtime);
  auto listed = files.call("list", {{"dir", root + "/P"}});
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ((*listed)["files"][0].value("sha256", "").size(), 64u);

  ASSERT_TRUE(files.begin(2, false).is_ok());
  ASSERT_TRUE(files.add_file(2, {{"index", 0}, {"path", root + "/P/b.bin"}, {"size", 10}}).is_ok());
  ASSERT_TRUE(files.write_chunk(2, {{"index", 0}, {"offset", 0}}, "12345").is_ok());
  EXPECT_EQ(temps_under(root), 1u);
  files.abort(2);
  EXPECT_EQ(temps_under(root), 0u);
  EXPECT_FALSE(fs::exists(root + "/P/b.bin"));

  // A batch cut short (fewer bytes than announced) fails the file and leaves nothing.
  ASSERT_TRUE(files.begin(3, false).is_ok());
  ASSERT_TRUE(files.add_file(3, {{"index", 0}, {"path", root + "/P/c.bin"}, {"size", 10}}).is_ok());
  auto cut = files.commit(3);
  ASSERT_TRUE(cut.ok());
  EXPECT_FALSE((*cut)["files"][0].value("ok", true));
  EXPECT_EQ(temps_under(root), 0u);
  EXPECT_FALSE(fs::exists(root + "/P/c.bin"));
}

}  // namespace
}  // namespace distsync
