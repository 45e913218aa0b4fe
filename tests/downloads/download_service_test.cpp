// DownloadService over a real LMDB log, a directory source and the loopback HTTP fixture.
#include "daemon/downloads/download_service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "daemon/fetch/fetcher.h"
#include "daemon/fetch/source_manifest.h"
#include "tests/downloads/download_test_console.h"

namespace distsync {
namespace {

using namespace testing;

const DownloadCompleted& completed(const std::optional<Event>& e) {
  static const DownloadCompleted kNone{};
  if (!e || !e->as<DownloadCompleted>()) {
    ADD_FAILURE() << "download did not complete: "
                  << (e && e->as<DownloadFailed>() ? e->as<DownloadFailed>()->reason : "no end");
    return kNone;
  }
  return *e->as<DownloadCompleted>();
}

TEST(DownloadServiceTest, RefreshFromDirectoryLandsInDataFilesThenFetchesOnlyWhatChanged) {
  TempDir dir;
  write_file(dir / "src/Engines/engine_0.dll", make_bytes(70000, 1));
  write_file(dir / "src/Defs/defs.dat", make_bytes(1000, 2));
  write_file(dir / "src/readme.txt", "hello");
  TestConsole c(dir / "c");
  c.service->start();
  std::string id = c.start("refresh", dir / "src");
  EXPECT_EQ(completed(c.wait_end(id)), (DownloadCompleted{3, 3, 0, 71005}));
  EXPECT_EQ(read_file(c.datafiles_dir() + "/Engines/engine_0.dll"), make_bytes(70000, 1));
  EXPECT_EQ(read_file(c.datafiles_dir() + "/readme.txt"), "hello");
  EXPECT_FALSE(exists(c.patches_dir()));

  write_file(dir / "src/Defs/defs.dat", make_bytes(1200, 3));
  std::string again = c.start("refresh", dir / "src");
  EXPECT_NE(again, id);
  EXPECT_EQ(completed(c.wait_end(again)), (DownloadCompleted{3, 1, 2, 1200}));
  EXPECT_EQ(read_file(c.datafiles_dir() + "/Defs/defs.dat"), make_bytes(1200, 3));
  EXPECT_TRUE(temp_files_under(c.datafiles_dir()).empty());
}

TEST(DownloadServiceTest, PatchDownloadHonoursOnlyAndLandsInPatches) {
  TempDir dir;
  write_file(dir / "src/KB1.msu", "one");
  write_file(dir / "src/KB2.msu", "two");
  write_file(dir / "src/notes.txt", "x");
  TestConsole c(dir / "c");
  c.service->start();
  std::string id = c.start("patches", "file://" + dir.path() + "/src", {"KB2.msu", "*.txt"});
  EXPECT_EQ(completed(c.wait_end(id)), (DownloadCompleted{2, 2, 0, 4}));
  EXPECT_EQ(list_tree(c.patches_dir()), (std::vector<std::string>{"KB2.msu", "notes.txt"}));
}

TEST(DownloadServiceTest, HttpRefreshFetchesOnlyChangedFiles) {
  TempDir dir;
  write_file(dir / "www/a.bin", make_bytes(50000, 4));
  write_file(dir / "www/b.bin", make_bytes(60000, 5));
  publish_manifest(dir / "www");
  FixtureServer server(dir / "www", dir / "server.log");
  ASSERT_TRUE(server.running());
  TestConsole c(dir / "c");
  c.service->start();
  EXPECT_EQ(completed(c.wait_end(c.start("refresh", server.url()))),
            (DownloadCompleted{2, 2, 0, 110000}));

  write_file(dir / "www/b.bin", make_bytes(61000, 6));
  publish_manifest(dir / "www");
  std::size_t before = server.requests().size();
  EXPECT_EQ(completed(c.wait_end(c.start("refresh", server.url()))),
            (DownloadCompleted{2, 1, 1, 61000}));
  std::vector<std::string> requests = server.requests();
  std::vector<std::string> later(requests.begin() + static_cast<long>(before), requests.end());
  EXPECT_EQ(later, (std::vector<std::string>{"GET /distsync-manifest.json range=-",
                                             "GET /b.bin range=-"}));
  EXPECT_EQ(read_file(c.datafiles_dir() + "/b.bin"), make_bytes(61000, 6));
}

TEST(DownloadServiceTest, HashMismatchFailsNamingTheFileAndLeavesNoFile) {
  TempDir dir;
  write_file(dir / "www/good.bin", "good bytes");
  write_file(dir / "www/bad.bin", "tampered bytes");
  SourceManifest m;
  m.files.push_back({"good.bin", 10, sha256_hex("good bytes")});
  m.files.push_back({"bad.bin", 14, sha256_hex("original bytes")});
  write_file(dir / "www/distsync-manifest.json", render_source_manifest(m));
  FixtureServer server(dir / "www", dir / "server.log");
  ASSERT_TRUE(server.running());
  TestConsole c(dir / "c");
  c.service->start();
  std::string id = c.start("patches", server.url());
  auto end = c.wait_end(id);
  ASSERT_TRUE(end && end->as<DownloadFailed>());
  const DownloadFailed& f = *end->as<DownloadFailed>();
  EXPECT_EQ(f.reason.rfind("1 of 2 files failed: bad.bin: ", 0), 0u) << f.reason;
  EXPECT_FALSE(f.cancelled);
  EXPECT_EQ(f.files_fetched, 1u);
  EXPECT_EQ(list_tree(c.patches_dir()), std::vector<std::string>{"good.bin"});
  // The projection shows the end, and the next download of the kind may start.
  c.projections.with_state(
      [&](const ProjectedState& s) { EXPECT_TRUE(s.downloads.running().empty()); });
}

TEST(DownloadServiceTest, DroppedConnectionResumesWithRange) {
  TempDir dir;
  write_file(dir / "www/big.bin", make_bytes(300000, 7));
  publish_manifest(dir / "www");
  FixtureServer server(dir / "www", dir / "server.log", {"--drop-after", "100000"});
  ASSERT_TRUE(server.running());
  TestConsole c(dir / "c");
  c.service->start();
  EXPECT_EQ(completed(c.wait_end(c.start("refresh", server.url()))).files_fetched, 1u);
  EXPECT_EQ(read_file(c.datafiles_dir() + "/big.bin"), make_bytes(300000, 7));
  std::vector<std::string> requests = server.requests();
  EXPECT_NE(std::find(requests.begin(), requests.end(), "GET /big.bin range=bytes=100000-"),
            requests.end())
      << ::testing::PrintToString(requests);
}

TEST(DownloadServiceTest, UnsafeManifestPathIsRefusedByNameAndNothingLandsOutside) {
  TempDir dir;
  write_file(dir / "www/ok.bin", "fine");
  write_file(dir / "evil", "outside");
  SourceManifest m;
  m.files.push_back({"../evil", 7, sha256_hex("outside")});
  m.files.push_back({"ok.bin", 4, sha256_hex("fine")});
  write_file(dir / "www/distsync-manifest.json", render_source_manifest(m));
  FixtureServer server(dir / "www", dir / "server.log");
  ASSERT_TRUE(server.running());
  TestConsole c(dir / "c");
  c.service->start();
  auto end = c.wait_end(c.start("refresh", server.url()));
  ASSERT_TRUE(end && end->as<DownloadFailed>());
  EXPECT_NE(end->as<DownloadFailed>()->reason.find("../evil: "), std::string::npos)
      << end->as<DownloadFailed>()->reason;
  EXPECT_EQ(list_tree(c.datafiles_dir()), std::vector<std::string>{"ok.bin"});
  EXPECT_FALSE(exists(dir / "c/console/evil"));
  EXPECT_FALSE(exists(dir / "c/evil"));
}

TEST(DownloadServiceTest, OperatorCancelEndsWithCancelledAndNoPartialUnderFinalName) {
  TempDir dir;
  write_file(dir / "www/slow.bin", make_bytes(400000, 8));
  publish_manifest(dir / "www");
  FixtureServer server(dir / "www", dir / "server.log", {"--slow", "100000"});
  ASSERT_TRUE(server.running());
  TestConsole c(dir / "c");
  c.service->start();
  std::string id = c.start("patches", server.url());
  // Wait until bytes are arriving (the temp file grows), then cancel.
  ASSERT_TRUE(wait_for_temp_bytes(c.root + "/console"));
  EXPECT_TRUE(c.service->progress(id).has_value());
  ASSERT_TRUE(c.service->cancel(id).is_ok());
  auto end = c.wait_end(id);
  ASSERT_TRUE(end && end->as<DownloadFailed>());
  EXPECT_TRUE(end->as<DownloadFailed>()->cancelled);
  EXPECT_FALSE(exists(c.patches_dir() + "/slow.bin"));
  EXPECT_EQ(c.service->cancel(id).code(), Status::Code::kNotFound);
  EXPECT_EQ(c.service->cancel("dl-nope").code(), Status::Code::kNotFound);
}

TEST(DownloadServiceTest, CancelBeforeTheServiceRunsItEndsItAtOnce) {
  TempDir dir;
  TestConsole c(dir / "c");  // not started: nothing picks the download up
  std::string id = c.start("refresh", dir / "nowhere");
  ASSERT_TRUE(c.service->cancel(id).is_ok());
  auto end = c.wait_end(id, 1s);
  ASSERT_TRUE(end && end->as<DownloadFailed>());
  EXPECT_TRUE(end->as<DownloadFailed>()->cancelled);
}

TEST(DownloadServiceTest, MissingSourceFailsNamingIt) {
  TempDir dir;
  TestConsole c(dir / "c");
  c.service->start();
  auto end = c.wait_end(c.start("refresh", dir / "nowhere"));
  ASSERT_TRUE(end && end->as<DownloadFailed>());
  EXPECT_NE(end->as<DownloadFailed>()->reason.find(dir / "nowhere"), std::string::npos)
      << end->as<DownloadFailed>()->reason;
}

// A stop is not an outcome: the download stays running in the log, and a new service over
// the same log resumes it under the same id, continuing the temp file with a Range request.
TEST(DownloadServiceTest, StopLeavesTheDownloadRunningAndTheNextStartResumesIt) {
  TempDir dir;
  write_file(dir / "www/slow.bin", make_bytes(400000, 9));
  publish_manifest(dir / "www");
  FixtureServer server(dir / "www", dir / "server.log", {"--slow", "200000"});
  ASSERT_TRUE(server.running());
  std::string id;
  {
    TestConsole c(dir / "c");
    c.service->start();
    id = c.start("patches", server.url());
    ASSERT_TRUE(wait_for_temp_bytes(c.root + "/console"));
    c.service->stop();
    EXPECT_FALSE(c.wait_end(id, 0ms).has_value());
  }
  TestConsole again(dir / "c");
  again.service->start();
  EXPECT_EQ(completed(again.wait_end(id)).files_fetched, 1u);
  EXPECT_EQ(read_file(again.patches_dir() + "/slow.bin"), make_bytes(400000, 9));
  bool ranged = false;
  for (const std::string& r : server.requests())
    ranged |= r.rfind("GET /slow.bin range=bytes=", 0) == 0;
  EXPECT_TRUE(ranged) << ::testing::PrintToString(server.requests());
}

}  // namespace
}  // namespace distsync
