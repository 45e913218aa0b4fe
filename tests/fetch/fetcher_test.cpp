// The fetcher against directory and file:// sources.
#include "daemon/fetch/fetcher.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>

#include "daemon/fetch/directory_source.h"
#include "daemon/fetch/entry_fetcher.h"
#include "tests/fetch/fetch_test_util.h"

namespace distsync {
namespace {

using testing::exists;
using testing::list_tree;
using testing::make_bytes;
using testing::read_file;
using testing::sha256_hex;
using testing::TempDir;
using testing::write_file;

class FetcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(src_ / "Engines/engine_0.dll", make_bytes(300000, 1));
    write_file(src_ / "Engines/engine_1.dll", make_bytes(1000, 2));
    write_file(src_ / "Definitions/defs.dat", "definitions v1");
    write_file(src_ / "empty.txt", "");
    options_.sleep = [](std::chrono::milliseconds) {};
  }

  void expect_same_tree() {
    for (const char* rel :
         {"Engines/engine_0.dll", "Engines/engine_1.dll", "Definitions/defs.dat", "empty.txt"}) {
      ASSERT_TRUE(exists(dest_ / rel)) << rel;
      EXPECT_EQ(read_file(dest_ / rel), read_file(src_ / rel)) << rel;
    }
  }

  void publish(const SourceManifest& m) {
    write_file(src_ / std::string(kSourceManifestName), render_source_manifest(m));
  }

  TempDir src_, dest_root_;
  testing::DirPath dest_{dest_root_ / "dest"};
  FetchOptions options_;
};

std::vector<std::string> temp_files(const std::string& root) {
  std::vector<std::string> out;
  for (const std::string& p : list_tree(root)) {
    if (p.find(".distsync-") != std::string::npos) out.push_back(p);
  }
  return out;
}

TEST_F(FetcherTest, DirectoryWithoutManifestIsWalkedAndHashed) {
  write_file(src_ / "Engines/.distsync-engine_0.dll.distsync-tmp", "leftover of a fetch");
  Result<SourceManifest> m = build_directory_manifest(src_.path());
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->files.size(), 4u);  // the temp file is skipped
  EXPECT_EQ(m->files[0].path, "Definitions/defs.dat");
  EXPECT_EQ(m->files[0].sha256, sha256_hex("definitions v1"));

  Result<FetchReport> r = fetch_all(src_.path(), dest_, options_);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_TRUE(r->complete()) << (r->failures.empty() ? "" : r->failures[0]);
  EXPECT_EQ(r->files_total, 4u);
  EXPECT_EQ(r->files_fetched, 4u);
  EXPECT_EQ(r->bytes_fetched, 300000u + 1000u + 14u);
  expect_same_tree();
  EXPECT_TRUE(temp_files(dest_).empty());
}

TEST_F(FetcherTest, FileUrlWithPublishedManifest) {
  // The published manifest is authoritative: a file it does not list is not fetched.
  Result<SourceManifest> m = build_directory_manifest(src_.path());
  ASSERT_TRUE(m.ok());
  write_file(src_ / "unlisted.txt", "not in the manifest");
  publish(*m);
  Result<FetchReport> r = fetch_all("file://" + src_.path(), dest_, options_);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_TRUE(r->complete());
  EXPECT_EQ(r->files_fetched, 4u);
  expect_same_tree();
  EXPECT_FALSE(exists(dest_ / "unlisted.txt"));
  EXPECT_FALSE(exists(dest_ / std::string(kSourceManifestName)));
}

TEST_F(FetcherTest, OnlyNewOrChangedFilesAreFetched) {
  ASSERT_TRUE(fetch_all(src_.path(), dest_, options_).ok());
  Result<FetchReport> again = fetch_all(src_.path(), dest_, options_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->files_fetched, 0u);
  EXPECT_EQ(again->files_skipped, 4u);
  EXPECT_EQ(again->bytes_fetched, 0u);

  write_file(src_ / "Definitions/defs.dat", "definitions v2");  // same size, new content
  Result<FetchReport> third = fetch_all(src_.path(), dest_, options_);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->files_fetched, 1u);
  EXPECT_EQ(third->files_skipped, 3u);
  EXPECT_EQ(read_file(dest_ / "Definitions/defs.dat"), "definitions v2");
}

TEST_F(FetcherTest, HashMismatchIsNamedAndLeavesNoFinalOrTempFile) {
  Result<SourceManifest> m = build_directory_manifest(src_.path());
  ASSERT_TRUE(m.ok());
  for (SourceEntry& e : m->files) {
    if (e.path == "Engines/engine_1.dll") e.sha256 = std::string(64, '0');
  }
  publish(*m);
  Result<FetchReport> r = fetch_all(src_.path(), dest_, options_);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->failures.size(), 1u);
  EXPECT_EQ(r->failures[0].rfind("Engines/engine_1.dll: SHA-256 mismatch", 0), 0u)
      << r->failures[0];
  EXPECT_EQ(r->files_fetched, 3u);
  EXPECT_FALSE(exists(dest_ / "Engines/engine_1.dll"));
  EXPECT_TRUE(temp_files(dest_).empty());
}

TEST_F(FetcherTest, SizeMismatchIsNamed) {
  SourceManifest m{{{"Definitions/defs.dat", 5, sha256_hex("defin")}}, {}};
  publish(m);
  Result<FetchReport> r = fetch_all(src_.path(), dest_, options_);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->failures.size(), 1u);
  EXPECT_NE(r->failures[0].find("Definitions/defs.dat: size mismatch"), std::string::npos)
      << r->failures[0];
  EXPECT_TRUE(list_tree(dest_).size() <= 1u);  // at most the created Definitions/ dir
  EXPECT_TRUE(temp_files(dest_).empty());
}

TEST_F(FetcherTest, UnsafePathsAreRefusedByNameAndNothingOutsideDestIsWritten) {
  write_file(src_ / "evil", "evil bytes");
  Result<SourceManifest> m = build_directory_manifest(src_.path());
  ASSERT_TRUE(m.ok());
  const std::string h = sha256_hex("evil bytes");
  m->files.push_back({"../evil", 10, h});
  m->files.push_back({"/etc/x", 10, h});
  m->files.push_back({"a/../../evil2", 10, h});
  m->files.push_back({"bad\\name", 10, h});
  m->files.push_back({"ctl\x01name", 10, h});
  m->files.push_back({"", 10, h});
  publish(*m);
  std::vector<std::string> outside_before = list_tree(dest_root_.path());

  Result<FetchReport> r = fetch_all(src_.path(), dest_, options_);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->failures.size(), 6u);
  EXPECT_EQ(r->failures[0].rfind("../evil: unsafe path refused", 0), 0u) << r->failures[0];
  EXPECT_EQ(r->failures[1].rfind("/etc/x: unsafe path", 0), 0u) << r->failures[1];
  EXPECT_EQ(r->failures[4].rfind("ctl\\x01name: unsafe path", 0), 0u) << r->failures[4];
  EXPECT_EQ(r->failures[5].rfind("(empty path): unsafe path", 0), 0u) << r->failures[5];
  EXPECT_EQ(r->files_fetched, 5u);  // the safe ones, including "evil" itself
  for (const std::string& p : list_tree(dest_root_.path())) {
    EXPECT_TRUE(p == "dest" || p.starts_with("dest/")) << "written outside dest: " << p;
  }
  (void)outside_before;
}

TEST_F(FetcherTest, SymlinkedDestinationSubdirectoryIsNotWrittenThrough) {
  TempDir outside;
  ASSERT_TRUE(std::filesystem::create_directories(dest_.path));
  ASSERT_EQ(::symlink(outside.path().c_str(), (dest_ / "Engines").c_str()), 0);
  Result<FetchReport> r = fetch_all(src_.path(), dest_, options_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->failures.size(), 2u);
  EXPECT_EQ(r->files_fetched, 2u);
  EXPECT_TRUE(list_tree(outside.path()).empty());
}

TEST_F(FetcherTest, MalformedManifestIsAnInvalidArgumentNamingIt) {
  write_file(src_ / std::string(kSourceManifestName), R"({"format":"distsync-manifest"})");
  Result<FetchReport> r = fetch_all(src_.path(), dest_, options_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find(std::string(kSourceManifestName)), std::string::npos);
  EXPECT_NE(r.status().message().find("version"), std::string::npos) << r.status().message();
}

TEST_F(FetcherTest, MissingSourceAndBadSpecFail) {
  Result<FetchReport> r = fetch_all(src_ / "nope", dest_, options_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(fetch_all("gopher://x/y", dest_, options_).ok());
}

TEST_F(FetcherTest, OnlyFilterRestrictsTheEntries) {
  options_.only = {"engine_*.dll"};
  Result<FetchReport> r = fetch_all(src_.path(), dest_, options_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->files_total, 2u);
  EXPECT_EQ(r->files_fetched, 2u);
  EXPECT_EQ(r->bytes_total, 301000u);
  EXPECT_TRUE(exists(dest_ / "Engines/engine_1.dll"));
  EXPECT_FALSE(exists(dest_ / "Definitions/defs.dat"));
}

TEST_F(FetcherTest, ResumesATempFileLeftByAnEarlierRun) {
  const std::string prefix = read_file(src_ / "Engines/engine_0.dll").substr(0, 100000);
  write_file(dest_ / "Engines/.distsync-engine_0.dll.distsync-tmp", prefix);
  Result<FetchReport> r = fetch_all(src_.path(), dest_, options_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->complete());
  EXPECT_EQ(r->files_resumed, 1u);
  EXPECT_EQ(r->bytes_fetched, 200000u + 1000u + 14u);
  expect_same_tree();
}

TEST_F(FetcherTest, AStaleTempFileIsRestartedFromZero) {
  write_file(dest_ / "Engines/.distsync-engine_0.dll.distsync-tmp", std::string(100000, 'x'));
  Result<FetchReport> r = fetch_all(src_.path(), dest_, options_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->complete()) << (r->failures.empty() ? "" : r->failures[0]);
  EXPECT_EQ(r->files_resumed, 0u);
  expect_same_tree();
  EXPECT_TRUE(temp_files(dest_).empty());
}

TEST_F(FetcherTest, ProgressIsMonotoneAndEndsAtTheTotals) {
  std::vector<FetchProgress> seen;
  options_.on_progress = [&](const FetchProgress& p) { seen.push_back(p); };
  ASSERT_TRUE(fetch_all(src_.path(), dest_, options_).ok());
  ASSERT_GE(seen.size(), 5u);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i].files_done, seen[i - 1].files_done);
    EXPECT_GE(seen[i].bytes_done, seen[i - 1].bytes_done);
  }
  EXPECT_EQ(seen.back().files_done, 4u);
  EXPECT_EQ(seen.back().files_total, 4u);
  EXPECT_EQ(seen.back().bytes_done, seen.back().bytes_total);
  EXPECT_EQ(seen.back().bytes_total, 301014u);
}

TEST_F(FetcherTest, CancelledBeforeStartFetchesNothing) {
  std::atomic<bool> cancel{true};
  options_.cancel = &cancel;
  Result<FetchReport> r = fetch_all(src_.path(), dest_, options_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->cancelled);
  EXPECT_EQ(r->files_fetched, 0u);
  EXPECT_TRUE(list_tree(dest_).empty());
}

}  // namespace
}  // namespace distsync
