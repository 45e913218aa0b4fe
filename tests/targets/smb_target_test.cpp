// SmbTarget against a real Samba smbd on loopback (tests/support/samba_server.h): the Target
// contract (preflight, batch, list, re-hash, prune, stale temps) and the failures an operator
// meets (a refused credential, an unknown share, a read-only share, an unreachable host),
// each named in one line before anything is written; and that targets on separate threads
// run their SMB requests at once (one stalled share does not hold up another).
#include "daemon/targets/smb_target.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "daemon/content/bandwidth_limiter.h"
#include "daemon/content/safe_path.h"
#include "daemon/content/sha256_file.h"
#include "daemon/targets/smb_library.h"
#include "tests/support/free_port.h"
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
  // The staging folder of an interrupted batch, with its temp.
  const std::string staging = dir + "/.distsync-fedcba9876543210.distsync-tmp";
  fs::create_directories(staging);
  std::ofstream(staging + "/.distsync-00112233445566ff.distsync-tmp") << "partial too";
  std::ofstream(dir + "/kept.msu") << "kept";
  testing::give_to_test_user(smb_.share_path("dist"));
  Result<Manifest> m = t->list("Patches", nullptr);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->files.size(), 1u);
  EXPECT_EQ(m->files[0].path, "deep/kept.msu");
  EXPECT_EQ(t->remove_stale_temps("Patches").value(), 2u);
  EXPECT_FALSE(fs::exists(dir + "/.distsync-0123456789abcdef.distsync-tmp"));
  EXPECT_FALSE(fs::exists(staging));
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
  auto t = target("\\\\127.0.0.1:" + std::to_string(testing::free_port()) + "\\dist", "berlin");
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

TEST_F(SmbTargetTest, AStalledShareDoesNotHoldUpATargetOnAnotherThread) {
  // Debian's libsmbclient, the one CI installs, can be made thread-ready (smb_library.h).
  ASSERT_TRUE(smb_library_threaded());
  SambaServer other{dir_.sub("smb2"), kPassword, {{"dist", false}}};
  ASSERT_TRUE(other.ready()) << other.log();

  // A writes a large file slowly (4 MiB/s, 256 KiB requests) to the first smbd ...
  SmbTargetOptions slow;
  slow.timeout = std::chrono::milliseconds(3000);
  SmbTarget a(smb_.unc("dist") + "\\stalled", "berlin", &store_, slow);
  ASSERT_TRUE(a.preflight("", 0).ok());
  std::string big(16 << 20, 'b');
  for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>(i >> 12);
  const std::string big_source = source("big.msu", big);
  BandwidthLimiter limiter(4 << 20);
  std::atomic<bool> a_done{false};
  std::vector<CopyResult> a_results;
  std::thread writer([&] {
    BatchCopyOptions o;
    o.limiter = &limiter;
    o.chunk_bytes = 256 << 10;
    a_results = a.write_batch({{big_source, "big.msu", ""}}, o);
    a_done = true;
  });
  // ... and that smbd stops answering once A is in the middle of it.
  const std::string backing = smb_.share_path("dist") + "/stalled";
  auto temp_size = [&] {
    std::uintmax_t n = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(backing, ec)) {
      if (e.path().filename().string().ends_with(kTempSuffix)) n = std::max(n, e.file_size(ec));
    }
    return n;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (temp_size() < (2u << 20) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(temp_size(), 2u << 20);
  smb_.pause();

  // B, on this thread, connects to the other smbd and lands a batch while A waits on its
  // request: with one process-wide lock B would wait for A's timeout.
  SmbTarget b(other.unc("dist") + "\\free", "berlin", &store_);
  PreflightReport p = b.preflight("Patches", 1);
  ASSERT_TRUE(p.ok()) << p.status.message();
  std::vector<TargetFile> files;
  for (int i = 0; i < 20; ++i) {
    std::string body = "patch " + std::to_string(i);
    files.push_back({source("p" + std::to_string(i), body), "Patches/p" + std::to_string(i) + ".msu",
                     sha256_hex(body)});
  }
  std::vector<CopyResult> b_results = b.write_batch(files, {});
  const bool a_was_waiting = !a_done.load();
  writer.join();  // A gives up after its timeout, while smbd is still stopped
  smb_.resume();
  EXPECT_TRUE(a_was_waiting) << "B finished only after A's stalled request gave up";
  for (const CopyResult& r : b_results) EXPECT_TRUE(r.ok()) << r.status.message();
  Result<Manifest> listed = b.list("Patches", nullptr);
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(listed->files.size(), files.size());

  // A's batch failed with the line naming its share, and left nothing under the final name.
  ASSERT_EQ(a_results.size(), 1u);
  EXPECT_FALSE(a_results[0].ok());
  EXPECT_NE(a_results[0].status.message().find("cannot reach the SMB server"), std::string::npos)
      << a_results[0].status.message();
  EXPECT_NE(a_results[0].status.message().find(smb_.unc("dist")), std::string::npos)
      << a_results[0].status.message();
  EXPECT_FALSE(fs::exists(backing + "/big.msu"));
  // A connects afresh and lands the file once the server answers again.
  std::vector<CopyResult> again = a.write_batch({{big_source, "big.msu", sha256_hex(big)}}, {});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].ok()) << again[0].status.message();
  Result<std::string> sha = a.read_sha256("big.msu");
  ASSERT_TRUE(sha.ok()) << sha.status().message();
  EXPECT_EQ(*sha, sha256_hex(big));
}

}  // namespace
}  // namespace distsync
