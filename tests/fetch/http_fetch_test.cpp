// The fetcher against a real HTTP server (http_fixture_server.py) on a loopback port.
#include <gtest/gtest.h>

#include <filesystem>

#include <algorithm>

#include "daemon/fetch/directory_source.h"
#include "daemon/fetch/fetcher.h"
#include "tests/fetch/fetch_test_util.h"

namespace distsync {
namespace {

using std::chrono::milliseconds;
using testing::exists;
using testing::FixtureServer;
using testing::list_tree;
using testing::make_bytes;
using testing::read_file;
using testing::TempDir;
using testing::write_file;

constexpr std::size_t kBigSize = 1 << 20;

class HttpFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(root_ / "Engines/engine_0.dll", make_bytes(kBigSize, 7));
    write_file(root_ / "Definitions/defs.dat", "definitions v1");
    write_file(root_ / "Patches/kb 100.msu", make_bytes(5000, 8));
    publish();
    options_.backoff_base = milliseconds(100);
    options_.sleep = [this](milliseconds d) { slept_.push_back(d); };
    options_.stall_timeout_ms = 5000;
  }

  void publish() {
    Result<SourceManifest> m = build_directory_manifest(root_.path());
    ASSERT_TRUE(m.ok());
    manifest_ = *m;
    write_file(root_ / "distsync-manifest.json", render_source_manifest(manifest_));
  }

  void start(std::vector<std::string> args = {}) {
    server_ = std::make_unique<FixtureServer>(root_.path(), log_.path() + "/requests.log",
                                              std::move(args));
    ASSERT_TRUE(server_->running()) << "the fixture server did not start (python3 on PATH?)";
  }

  std::size_t count_requests(const std::string& needle) const {
    auto lines = server_->requests();
    return std::count_if(lines.begin(), lines.end(),
                         [&](const std::string& l) { return l.find(needle) != std::string::npos; });
  }

  bool same(const std::string& rel) {
    return exists(dest_ / rel) && read_file(dest_ / rel) == read_file(root_ / rel);
  }

  TempDir root_, log_, dest_root_;
  testing::DirPath dest_{dest_root_ / "dest"};
  SourceManifest manifest_;
  FetchOptions options_;
  std::vector<milliseconds> slept_;
  std::unique_ptr<FixtureServer> server_;
};

TEST_F(HttpFetchTest, FullFetchWithManifest) {
  start();
  Result<FetchReport> r = fetch_all(server_->url() + "/", dest_, options_);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_TRUE(r->complete()) << (r->failures.empty() ? "" : r->failures[0]);
  EXPECT_EQ(r->files_fetched, 3u);
  EXPECT_EQ(r->bytes_fetched, kBigSize + 14 + 5000);
  EXPECT_TRUE(same("Engines/engine_0.dll"));
  EXPECT_TRUE(same("Definitions/defs.dat"));
  EXPECT_TRUE(same("Patches/kb 100.msu"));  // a space, percent-encoded on the wire
  EXPECT_EQ(count_requests("GET /Patches/kb 100.msu"), 1u);
}

TEST_F(HttpFetchTest, OnlyWhatChangedIsFetched) {
  start();
  ASSERT_TRUE(fetch_all(server_->url(), dest_, options_).ok());
  Result<FetchReport> again = fetch_all(server_->url(), dest_, options_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->files_fetched, 0u);
  EXPECT_EQ(again->files_skipped, 3u);
  EXPECT_EQ(count_requests("GET /Engines/engine_0.dll"), 1u);

  write_file(root_ / "Definitions/defs.dat", "definitions v2 is longer");
  publish();
  Result<FetchReport> third = fetch_all(server_->url(), dest_, options_);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->files_fetched, 1u);
  EXPECT_TRUE(same("Definitions/defs.dat"));
}

TEST_F(HttpFetchTest, HashMismatchNamesTheFileAndLeavesNothing) {
  manifest_.files[0].sha256 = std::string(64, 'f');  // Definitions/defs.dat
  write_file(root_ / "distsync-manifest.json", render_source_manifest(manifest_));
  start();
  Result<FetchReport> r = fetch_all(server_->url(), dest_, options_);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->failures.size(), 1u);
  EXPECT_EQ(r->failures[0].rfind("Definitions/defs.dat: SHA-256 mismatch", 0), 0u)
      << r->failures[0];
  EXPECT_FALSE(exists(dest_ / "Definitions/defs.dat"));
  EXPECT_FALSE(exists(dest_ / "Definitions/.distsync-defs.dat.distsync-tmp"));
  EXPECT_EQ(r->files_fetched, 2u);
}

TEST_F(HttpFetchTest, DroppedConnectionIsResumedWithRange) {
  start({"--drop-after", "300000"});
  options_.only = {"engine_0.dll"};
  Result<FetchReport> r = fetch_all(server_->url(), dest_, options_);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_TRUE(r->complete()) << (r->failures.empty() ? "" : r->failures[0]);
  EXPECT_EQ(r->files_resumed, 1u);
  EXPECT_EQ(r->bytes_fetched, kBigSize);  // 300000 before the drop, the rest after
  EXPECT_EQ(count_requests("GET /Engines/engine_0.dll range=bytes=300000-"), 1u);
  EXPECT_TRUE(same("Engines/engine_0.dll"));
  EXPECT_EQ(slept_, std::vector<milliseconds>{milliseconds(100)});
}

TEST_F(HttpFetchTest, ServerIgnoringRangeMeansRestartFromZero) {
  start({"--drop-after", "300000", "--no-range"});
  options_.only = {"engine_0.dll"};
  Result<FetchReport> r = fetch_all(server_->url(), dest_, options_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->complete()) << (r->failures.empty() ? "" : r->failures[0]);
  EXPECT_EQ(r->files_resumed, 0u);
  EXPECT_EQ(count_requests("range=bytes=300000-"), 1u);  // asked, and got a 200
  EXPECT_EQ(r->bytes_fetched, kBigSize + 300000);
  EXPECT_TRUE(same("Engines/engine_0.dll"));
}

TEST_F(HttpFetchTest, GivingUpKeepsThePartialFileAndALaterRunResumesIt) {
  start({"--drop-after", "300000", "--drop-count", "2"});
  options_.only = {"engine_0.dll"};
  options_.max_attempts = 1;
  Result<FetchReport> r = fetch_all(server_->url(), dest_, options_);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->failures.size(), 1u);
  EXPECT_NE(r->failures[0].find("Engines/engine_0.dll: GET"), std::string::npos) << r->failures[0];
  EXPECT_NE(r->failures[0].find("kept to resume"), std::string::npos) << r->failures[0];
  EXPECT_FALSE(exists(dest_ / "Engines/engine_0.dll"));
  const std::string temp = dest_ / "Engines/.distsync-engine_0.dll.distsync-tmp";
  EXPECT_EQ(read_file(temp).size(), 300000u);

  // Second request is dropped again at 300000 more bytes; the third one completes.
  options_.max_attempts = 3;
  Result<FetchReport> later = fetch_all(server_->url(), dest_, options_);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->complete()) << (later->failures.empty() ? "" : later->failures[0]);
  EXPECT_EQ(count_requests("range=bytes=300000-"), 1u);
  EXPECT_EQ(count_requests("range=bytes=600000-"), 1u);
  EXPECT_TRUE(same("Engines/engine_0.dll"));
  EXPECT_FALSE(exists(temp));
}

TEST_F(HttpFetchTest, MissingFileIsNamedAndNotRetried) {
  std::filesystem::remove(root_ / "Definitions/defs.dat");
  start();
  Result<FetchReport> r = fetch_all(server_->url(), dest_, options_);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->failures.size(), 1u);
  EXPECT_NE(r->failures[0].find("Definitions/defs.dat: GET"), std::string::npos);
  EXPECT_NE(r->failures[0].find("HTTP 404"), std::string::npos) << r->failures[0];
  EXPECT_EQ(count_requests("GET /Definitions/defs.dat"), 1u);
  EXPECT_TRUE(slept_.empty());
  EXPECT_TRUE(list_tree(dest_ / "Definitions").empty());
}

TEST_F(HttpFetchTest, SourceWithoutManifestIsNotFound) {
  std::filesystem::remove(root_ / "distsync-manifest.json");
  start();
  Result<FetchReport> r = fetch_all(server_->url(), dest_, options_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_NE(r.status().message().find("publishes no distsync-manifest.json"), std::string::npos)
      << r.status().message();
}

TEST_F(HttpFetchTest, ClosedPortFailsFastAfterBackingOff) {
  options_.max_attempts = 3;
  options_.connect_timeout_ms = 2000;
  const std::string url = "http://127.0.0.1:" + std::to_string(testing::closed_loopback_port());
  auto begin = std::chrono::steady_clock::now();
  Result<FetchReport> r = fetch_all(url, dest_, options_);
  auto elapsed = std::chrono::steady_clock::now() - begin;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(r.status().message().find(url + "/distsync-manifest.json"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("onnect"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("after 3 attempts"), std::string::npos);
  EXPECT_EQ(slept_, (std::vector<milliseconds>{milliseconds(100), milliseconds(200)}));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

TEST_F(HttpFetchTest, StalledTransferTimesOut) {
  start({"--stall-after", "1000"});
  options_.only = {"engine_0.dll"};
  options_.max_attempts = 1;
  options_.stall_timeout_ms = 300;
  Result<FetchReport> r = fetch_all(server_->url(), dest_, options_);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->failures.size(), 1u);
  EXPECT_NE(r->failures[0].find("stall timeout"), std::string::npos) << r->failures[0];
  EXPECT_FALSE(exists(dest_ / "Engines/engine_0.dll"));
}

TEST_F(HttpFetchTest, CancellationLeavesNoFinalFileAndIsResumable) {
  start({"--slow", "2000000"});
  std::atomic<bool> cancel{false};
  options_.cancel = &cancel;
  options_.only = {"engine_0.dll"};
  options_.on_progress = [&](const FetchProgress& p) {
    if (p.bytes_done > 0) cancel = true;
  };
  Result<FetchReport> r = fetch_all(server_->url(), dest_, options_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->cancelled);
  EXPECT_TRUE(r->failures.empty());
  EXPECT_FALSE(exists(dest_ / "Engines/engine_0.dll"));
  const std::string temp = dest_ / "Engines/.distsync-engine_0.dll.distsync-tmp";
  ASSERT_TRUE(exists(temp));
  const std::size_t kept = read_file(temp).size();
  EXPECT_GT(kept, 0u);
  EXPECT_LT(kept, kBigSize);

  cancel = false;
  options_.on_progress = nullptr;
  Result<FetchReport> later = fetch_all(server_->url(), dest_, options_);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->complete());
  EXPECT_EQ(later->files_resumed, 1u);
  EXPECT_EQ(later->bytes_fetched, kBigSize - kept);
  EXPECT_TRUE(same("Engines/engine_0.dll"));
}

}  // namespace
}  // namespace distsync
