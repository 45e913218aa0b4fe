// The symlink policy of download sources: a source never follows a symlink. Every mutation
// an attacker with write access to the source can make with symlinks is tried against a
// plain directory source (the walk) and a source publishing a manifest that names the
// symlink; none may install a byte from outside the source root.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include <gtest/gtest.h>

#include "daemon/fetch/directory_source.h"
#include "daemon/fetch/fetcher.h"
#include "tests/fetch/fetch_test_util.h"

namespace distsync {
namespace {

using testing::list_tree;
using testing::read_file;
using testing::sha256_hex;
using testing::TempDir;
using testing::write_file;

const std::string kSecret = "root:$6$outside-the-source:19000:0:99999:7:::\n";

struct Mutation {
  const char* name;
  // The path a manifest lists for it, and the symlink the refusal must name.
  const char* manifest_path;
  const char* symlink;
  std::function<void(const std::string& src, const std::string& outside)> apply;
};

void link(const std::string& target, const std::string& at) {
  ASSERT_EQ(::symlink(target.c_str(), at.c_str()), 0) << at;
}

std::string leaf(const std::string& dir) { return dir.substr(dir.rfind('/') + 1); }

const Mutation kMutations[] = {
    {"file symlink to a file outside", "Engines/shadow", "Engines/shadow",
     [](auto& src, auto& out) { link(out + "/shadow", src + "/Engines/shadow"); }},
    {"directory symlink outside", "Engines/outdir/shadow", "Engines/outdir",
     [](auto& src, auto& out) { link(out, src + "/Engines/outdir"); }},
    {"symlink chain", "chain1", "chain1",
     [](auto& src, auto& out) {
       link("chain2", src + "/chain1");
       link(out + "/shadow", src + "/chain2");
     }},
    {"symlink to ..", "up/OUTSIDE/shadow", "up", [](auto& src, auto&) { link("..", src + "/up"); }},
    {"absolute symlink", "abs", "abs",
     [](auto& src, auto&) { link("/etc/hostname", src + "/abs"); }},
    {"relative symlink inside the root", "rel", "rel",
     [](auto& src, auto&) { link("Engines/engine.dll", src + "/rel"); }},
    {"dangling symlink", "dangling", "dangling",
     [](auto& src, auto&) { link("nowhere", src + "/dangling"); }},
    {"magic link through /proc", "magic", "magic",
     [](auto& src, auto& out) { link("/proc/self/root" + out + "/shadow", src + "/magic"); }},
};

class SourceSymlinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(src_ / "Engines/engine.dll", "engine bytes");
    write_file(src_ / "defs.dat", "definitions");
    write_file(outside_ / "shadow", kSecret);
    options_.sleep = [](std::chrono::milliseconds) {};
  }

  // Nothing installed holds the secret, and only the genuine files were installed.
  void expect_nothing_from_outside(const std::string& why) {
    for (const std::string& rel : list_tree(dest_.path())) {
      std::string full = dest_ / rel;
      struct stat st {};
      ASSERT_EQ(::lstat(full.c_str(), &st), 0);
      EXPECT_FALSE(S_ISLNK(st.st_mode)) << why << ": installed a symlink " << rel;
      if (!S_ISREG(st.st_mode)) continue;
      EXPECT_TRUE(rel == "Engines/engine.dll" || rel == "defs.dat") << why << ": installed " << rel;
      EXPECT_EQ(read_file(full).find("outside-the-source"), std::string::npos)
          << why << ": " << rel;
      EXPECT_EQ(st.st_mode & 07133, 0u) << why << ": " << rel << " mode " << std::oct << st.st_mode;
    }
  }

  bool has_failure(const FetchReport& r, const std::string& text) {
    for (const std::string& f : r.failures) {
      if (f.find(text) != std::string::npos) return true;
    }
    return false;
  }

  TempDir src_, outside_, dest_;
  FetchOptions options_;
};

TEST_F(SourceSymlinkTest, DirectoryWalkSkipsEverySymlinkByName) {
  for (const Mutation& m : kMutations) {
    TempDir src, dest;
    write_file(src / "Engines/engine.dll", "engine bytes");
    m.apply(src.path(), outside_.path());
    Result<SourceManifest> manifest = build_directory_manifest(src.path());
    ASSERT_TRUE(manifest.ok()) << m.name << ": " << manifest.status().to_string();
    ASSERT_EQ(manifest->files.size(), 1u) << m.name;
    EXPECT_EQ(manifest->files[0].path, "Engines/engine.dll") << m.name;
    Result<FetchReport> r = fetch_all(src.path(), dest.path(), options_);
    ASSERT_TRUE(r.ok()) << m.name;
    EXPECT_EQ(r->files_fetched, 1u) << m.name;
    std::string first_link = manifest->symlinks.empty() ? "" : manifest->symlinks[0];
    EXPECT_TRUE(
        has_failure(*r, "skipped symlink " + first_link + ": sources never follow symlinks"))
        << m.name;
    EXPECT_FALSE(r->complete()) << m.name << ": a skipped symlink is reported, not hidden";
    EXPECT_EQ(r->files_total, 1u + manifest->symlinks.size()) << m.name;
    for (const std::string& rel : list_tree(dest.path())) {
      EXPECT_EQ(read_file(dest / rel).find("outside-the-source"), std::string::npos)
          << m.name << ": " << rel;
    }
  }
}

TEST_F(SourceSymlinkTest, ManifestEntriesThroughASymlinkInstallNothing) {
  SourceManifest manifest;
  manifest.files.push_back({"Engines/engine.dll", 12, sha256_hex("engine bytes")});
  for (const Mutation& m : kMutations) {
    m.apply(src_.path(), outside_.path());
    std::string path = m.manifest_path;
    if (auto at = path.find("OUTSIDE"); at != std::string::npos) {
      path.replace(at, 7, leaf(outside_.path()));
    }
    // The attacker publishes the secret's own size and hash, so only the policy stops it.
    manifest.files.push_back({path, kSecret.size(), sha256_hex(kSecret)});
  }
  write_file(src_ / std::string(kSourceManifestName), render_source_manifest(manifest));

  Result<FetchReport> r = fetch_all(src_.path(), dest_.path(), options_);
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(r->files_fetched, 1u);
  ASSERT_EQ(r->failures.size(), std::size(kMutations));
  for (const Mutation& m : kMutations) {
    EXPECT_TRUE(has_failure(
        *r, "skipped symlink " + std::string(m.symlink) + ": sources never follow symlinks"))
        << m.name << "; first failure: " << r->failures[0];
  }
  expect_nothing_from_outside("manifest");
}

TEST_F(SourceSymlinkTest, SymlinkSwappedInAfterTheListingIsRefusedAtOpen) {
  DirectorySource source(src_.path(), options_);
  Result<SourceManifest> listed = source.load_manifest();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->files.size(), 2u);
  // Between listing and open: both files become symlinks, one a whole folder.
  ASSERT_EQ(::unlink((src_ / "defs.dat").c_str()), 0);
  link(outside_ / "shadow", src_ / "defs.dat");
  std::filesystem::remove_all(src_ / "Engines");
  write_file(outside_ / "engine.dll", kSecret);
  link(outside_.path(), src_ / "Engines");

  FetchReport r = fetch_manifest(source, *listed, dest_.path(), options_);
  EXPECT_EQ(r.files_fetched, 0u);
  ASSERT_EQ(r.failures.size(), 2u);
  EXPECT_TRUE(has_failure(r, "skipped symlink defs.dat: sources never follow symlinks"));
  EXPECT_TRUE(has_failure(r, "skipped symlink Engines: sources never follow symlinks"));
  EXPECT_TRUE(list_tree(dest_.path()).size() <= 1u) << "at most the Engines folder";
  expect_nothing_from_outside("swap");
}

TEST_F(SourceSymlinkTest, ASymlinkedManifestIsRefused) {
  SourceManifest evil;
  evil.files.push_back({"shadow", kSecret.size(), sha256_hex(kSecret)});
  write_file(outside_ / "m.json", render_source_manifest(evil));
  link(outside_ / "m.json", src_ / std::string(kSourceManifestName));
  Result<FetchReport> r = fetch_all(src_.path(), dest_.path(), options_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("is a symlink: sources never follow symlinks"),
            std::string::npos)
      << r.status().message();
}

TEST_F(SourceSymlinkTest, InstalledFilesGetAPlainDataMode) {
  ASSERT_EQ(::chmod((src_ / "defs.dat").c_str(), 0777), 0);
  // A temp left (or planted) with an odd mode does not carry it to the final name.
  write_file(dest_ / "Engines/.distsync-engine.dll.distsync-tmp", "engine");
  ASSERT_EQ(::chmod((dest_ / "Engines/.distsync-engine.dll.distsync-tmp").c_str(), 04777), 0);
  Result<FetchReport> r = fetch_all(src_.path(), dest_.path(), options_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->complete()) << r->failures[0];
  EXPECT_EQ(r->files_resumed, 1u);
  expect_nothing_from_outside("modes");
}

}  // namespace
}  // namespace distsync
