// SmbTarget against a real Samba smbd on loopback (tests/support/samba_server.h): the Target
// contract (preflight, batch, list, re-hash, prune, stale temps) and the failures an operator
// meets (a refused credential, an unknown share, a read-only share, an unreachable host),
// each named in one line before anything is written.
#include "daemon/targets/smb_target.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "daemon/content/sha256_file.h"
#include "tests/support/samba_server.h"
#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

using testing::SambaServer;
using testing::TempDir;
namespace fs = std::filesystem;

constexpr char kPassword[] = "Smb-Test-Pa55";

class SmbTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(smb_.ready()) << smb_.log();
    ASSERT_TRUE(store_.add({"berlin", SambaServer::user(), "", kPassword}).is_ok());
    ASSERT_TRUE(store_.add({"wrong", SambaServer::user(), "", "not-the-password"}).is_ok());
    fs::create_directories(dir_.sub("src"));
  }

  std::string source(const std::string& name, const std::string& bytes) {
    std::string p = dir_.sub("src/" + name);
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }

  std::unique_ptr<SmbTarget> target(const std::string& root, const std::string& credential) {
    return std::make_unique<SmbTarget>(root, credential, &store_);
  }

  TempDir dir_;
  SambaServer smb_{dir_.sub("smb"), kPassword, {{"dist", false}, {"ro", true}}};
  CredentialStore store_{dir_.sub("credentials.json")};
};

TEST_F(SmbTargetTest, BatchLandsWholeAndListsAndRehashes) {
  auto t = target(smb_.unc("dist") + "\\berlin", "berlin");
  PreflightReport p = t->preflight("Patches", 1024);
  ASSERT_TRUE(p.ok()) << p.status.message();
  EXPECT_GT(p.free_bytes, 1024u);

  std::string big(3 << 20, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>(i % 251);
  std::vector<TargetFile> files = {
      {source("a.msu", "alpha"), "Patches/a.msu", sha256_hex("alpha")},
      {source("b.msu", big), "Patches/sub/dir/b.msu", sha256_hex(big)},
      {source("c d%.txt", "percent and space"), "Patches/c d%.txt", ""},
  };
  BatchCopyOptions o;
  o.verify = true;
  std::vector<CopyResult> r = t->write_batch(files, o);
  ASSERT_EQ(r.size(), 3u);
  for (const auto& x : r) EXPECT_TRUE(x.ok()) << x.status.message();
  EXPECT_EQ(r[1].sha256, sha256_hex(big));
  EXPECT_EQ(r[1].bytes, big.size());

  // What smbd wrote on its disk is what was sent, under the final names, and no temp.
  std::string on_disk = smb_.share_path("dist") + "/berlin/Patches";
  EXPECT_EQ(sha256_file(on_disk + "/sub/dir/b.msu").value(), sha256_hex(big));
  EXPECT_EQ(sha256_file(on_disk + "/c d%.txt").value(), sha256_hex("percent and space"));
  for (const auto& e : fs::recursive_directory_iterator(on_disk)) {
    EXPECT_EQ(e.path().filename().string().find(".distsync-"), std::string::npos) << e.path();
  }

  Result<Manifest> m = t->list("Patches", nullptr);
  ASSERT_TRUE(m.ok()) << m.status().message();
  ASSERT_EQ(m->files.size(), 3u);
  EXPECT_EQ(m->files[0].path, "a.msu");
  EXPECT_EQ(m->files[2].path, "sub/dir/b.msu");
  EXPECT_EQ(m->files[2].size, big.size());
  // The source's mtime travelled (to the second at least: SMB keeps 100 ns units).
  struct stat st {};
  ::stat(files[0].source.c_str(), &st);
  EXPECT_EQ(m->files[0].mtime_ns / 1'000'000'000, st.st_mtim.tv_sec);

  EXPECT_EQ(t->read_sha256("Patches/a.msu").value(), sha256_hex("alpha"));
  EXPECT_EQ(t->read_sha256("Patches/none.msu").status().code(), Status::Code::kNotFound);

  // A second batch replaces a file whole.
  r = t->write_batch({{source("a2.msu", "alpha v2"), "Patches/a.msu", ""}}, BatchCopyOptions{});
  ASSERT_TRUE(r[0].ok()) << r[0].status.message();
  EXPECT_EQ(t->read_sha256("Patches/a.msu").value(), sha256_hex("alpha v2"));

  PruneReport pr = t->remove("Patches", {"a.msu", "gone.msu", "../escape"});
  EXPECT_EQ(pr.removed.size(), 2u);
  ASSERT_EQ(pr.failed.size(), 1u);
  EXPECT_FALSE(fs::exists(on_disk + "/a.msu"));
}

TEST_F(SmbTargetTest, StaleTempsAreRemovedAndNeverListed) {
  auto t = target("smb://127.0.0.1:" + std::to_string(smb_.port()) + "/dist/x", "berlin");
  ASSERT_TRUE(t->preflight("Patches", 0).ok());
  std::string dir = smb_.share_path("dist") + "/x/Patches/deep";
  fs::create_directories(dir);
  std::ofstream(dir + "/.distsync-0123456789abcdef.distsync-tmp") << "partial";
  std::ofstream(dir + "/kept.msu") << "kept";
  testing::give_to_test_user(smb_.share_path("dist"));
  Result<Manifest> m = t->list("Patches", nullptr);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->files.size(), 1u);
  EXPECT_EQ(m->files[0].path, "deep/kept.msu");
  EXPECT_EQ(t->remove_stale_temps("Patches").value(), 1u);
  EXPECT_FALSE(fs::exists(dir + "/.distsync-0123456789abcdef.distsync-tmp"));
  EXPECT_TRUE(fs::exists(dir + "/kept.msu"));
  // A folder that does not exist lists as empty.
  EXPECT_TRUE(t->list("DataFiles", nullptr)->files.empty());
}

TEST_F(SmbTargetTest, WrongPasswordIsNamedBeforeAnythingIsWritten) {
  auto t = target(smb_.unc("dist") + "\\berlin", "wrong");
  PreflightReport p = t->preflight("Patches", 0);
  ASSERT_FALSE(p.ok());
  const std::string& m = p.status.message();
  EXPECT_NE(m.find("the credential 'wrong' was refused by \\\\127.0.0.1:"), std::string::npos) << m;
  EXPECT_NE(m.find("distsync credential add wrong"), std::string::npos) << m;
  EXPECT_EQ(m.find("not-the-password"), std::string::npos);
  EXPECT_EQ(m.find('\n'), std::string::npos);
  EXPECT_FALSE(fs::exists(smb_.share_path("dist") + "/berlin"));
}

TEST_F(SmbTargetTest, UnknownShareIsNamed) {
  auto t = target(smb_.unc("nosuch") + "\\berlin", "berlin");
  PreflightReport p = t->preflight("Patches", 0);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status.message().find("share 'nosuch' does not exist on 127.0.0.1"),
            std::string::npos)
      << p.status.message();
}

TEST_F(SmbTargetTest, ReadOnlyShareFailsPreflight) {
  auto t = target(smb_.unc("ro"), "berlin");
  PreflightReport p = t->preflight("", 0);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.failure, PreflightFailure::kNotWritable) << p.status.message();
  EXPECT_NE(p.status.message().find("\\ro"), std::string::npos) << p.status.message();
}

TEST_F(SmbTargetTest, UnreachableHostIsNamed) {
  // A port nobody listens on: bound and closed, so refused at once.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  auto t = target("\\\\127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "\\dist", "berlin");
  PreflightReport p = t->preflight("Patches", 0);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.failure, PreflightFailure::kUnreachable);
  EXPECT_NE(p.status.message().find("cannot reach the SMB server 127.0.0.1:"), std::string::npos)
      << p.status.message();
}

TEST_F(SmbTargetTest, UnknownCredentialIsNamed) {
  auto t = target(smb_.unc("dist"), "paris");
  PreflightReport p = t->preflight("Patches", 0);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status.message().find("the credential 'paris'"), std::string::npos);
  EXPECT_NE(p.status.message().find("distsync credential add paris"), std::string::npos);
}

}  // namespace
}  // namespace distsync
