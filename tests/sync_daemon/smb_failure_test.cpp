// SMB failures met by a real distsyncd: a share that fills up in the middle of a job (smbd's
// share backed by a small tmpfs this test mounts; CI runs as root) fails the job with one
// line naming the share and the cause, leaves no partial file under a final name and no temp,
// and the daemon keeps serving; a server that never answers, or where nothing listens, fails
// preflight within the configured `smb_timeout_ms`, naming the server and the fix; and a
// server that stops answering in the middle of a large file's copy (smbd SIGSTOPped) fails
// that batch within the bound, naming the share, while the daemon keeps serving; once smbd
// goes on (SIGCONT) the retries and a re-sync complete and no temp is left.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/support/free_port.h"
#include "tests/support/tmpfs_mount.h"
#include "tests/sync_daemon/smb_sync_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class SmbShareFullTest : public SmbSyncFixture {
 protected:
  std::vector<SambaShare> shares() override { return {{"dist", false}, {"full", false}}; }
};

TEST_F(SmbShareFullTest, FullShareFailsTheJobCleanlyAndTheDaemonKeepsServing) {
  // The small fixture's DataFiles (~16 MB) and Patches (~10 MB) each fit in 20 MB, so each
  // folder's preflight passes, but together they do not: the share fills up mid-job.
  std::uint64_t datafiles = 0, patches = 0;
  for (auto& [p, f] : read_tree(console_ + "/DataFiles")) datafiles += f.bytes.size();
  for (auto& [p, f] : read_tree(console_ + "/Patches")) patches += f.bytes.size();
  const std::uint64_t size = 20u << 20;
  ASSERT_LT(std::max(datafiles, patches), size - (2u << 20));
  ASSERT_GT(datafiles + patches, size + (2u << 20));
  TmpfsMount mount(smb_->share_path("full"), "size=20m,mode=0755");
  ASSERT_TRUE(mount.mounted()) << mount.why();
  give_to_test_user(smb_->share_path("full"));

  ASSERT_EQ(add_credential("berlin", kPassword).exit_code, 0) << outputs_;
  const std::string unc = "\\\\127.0.0.1:" + std::to_string(smb_->port()) + "\\full";
  ASSERT_EQ(run({"server", "add", "berlin", "--path", unc + "\\berlin", "--credential",
                 "berlin"}).exit_code, 0) << outputs_;
  auto r = run({"sync", "berlin", "--wait"}, 180s);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string job = r.out.substr(5, r.out.find(' ', 5) - 5);
  ASSERT_FALSE(await_job_events(job, "SyncFailed").empty()) << r.out << r.err;
  // Something was copied first: the failure came mid-job, not from preflight.
  EXPECT_FALSE(job_events(job, "FileCopied").empty());
  const std::string reason = job_reason(job);
  EXPECT_NE(reason.find("the share " + unc + " is full"), std::string::npos) << reason;
  EXPECT_NE(reason.find("free space on it"), std::string::npos) << reason;
  EXPECT_EQ(reason.find('\n'), std::string::npos) << reason;
  EXPECT_NE((r.out + r.err).find(unc + " is full"), std::string::npos) << r.out << r.err;

  // Every file under a final name is whole; no temp is left.
  const std::string backing = smb_->share_path("full") + "/berlin";
  auto expected = expected_server_tree();
  auto on_share = read_tree(backing);
  EXPECT_FALSE(on_share.empty());
  EXPECT_LT(on_share.size(), expected.size());
  for (const auto& [path, facts] : on_share) {
    ASSERT_TRUE(expected.count(path)) << path << " is not a console file";
    EXPECT_EQ(sha_of(facts.bytes), sha_of(expected.at(path).bytes)) << path << " is partial";
  }
  EXPECT_TRUE(leftover_temps(backing).empty());

  // The daemon keeps serving: another server on another share syncs in full.
  ASSERT_EQ(run({"server", "add", "paris", "--path", smb_->unc("dist") + "\\paris",
                 "--credential", "berlin"}).exit_code, 0) << outputs_;
  r = run({"sync", "paris", "--wait"}, 180s);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(share_hashes("paris"), console_hashes());
  EXPECT_EQ((outputs_ + daemon_->process().stderr_text()).find(kPassword), std::string::npos);
}

// A loopback TCP socket that completes the handshake (the kernel's backlog) but never reads
// or answers: an SMB server that hangs.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0) {
      return;
    }
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class SmbTimeoutTest : public SyncDaemonFixture {
 protected:
  std::string extra_toml() override { return "smb_timeout_ms = 1000\n"; }
};

TEST_F(SmbTimeoutTest, UnansweringAndClosedServersFailPreflightWithinTheConfiguredBound) {
  SilentListener silent;
  ASSERT_NE(silent.port(), 0);
  const std::string host = "127.0.0.1:" + std::to_string(silent.port());
  ASSERT_EQ(cli({"server", "add", "hung", "--path", "\\\\" + host + "\\dist\\hung"}).exit_code, 0);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = cli({"sync", "hung", "--wait"}, 120s);
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string job = r.out.substr(5, r.out.find(' ', 5) - 5);
  ASSERT_FALSE(await_job_events(job, "SyncFailed").empty()) << r.out << r.err;
  EXPECT_TRUE(job_events(job, "FileCopied").empty());
  std::string reason = job_reason(job);
  EXPECT_NE(reason.find("cannot reach the SMB server " + host), std::string::npos) << reason;
  EXPECT_NE(reason.find("check the host and port"), std::string::npos) << reason;
  // Not a speed test: the default timeout is 15 s per attempt, so finishing well inside that
  // shows the configured 1 s bound was applied.
  EXPECT_LT(took, std::chrono::seconds(12)) << reason;

  const std::string closed = "127.0.0.1:" + std::to_string(free_port());
  ASSERT_EQ(cli({"server", "add", "gone", "--path", "smb://" + closed + "/dist/gone"}).exit_code, 0);
  r = cli({"sync", "gone", "--wait"}, 120s);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  job = r.out.substr(5, r.out.find(' ', 5) - 5);
  ASSERT_FALSE(await_job_events(job, "SyncFailed").empty()) << r.out << r.err;
  reason = job_reason(job);
  EXPECT_NE(reason.find("cannot reach the SMB server " + closed), std::string::npos) << reason;
  EXPECT_NE(reason.find("check the host and port"), std::string::npos) << reason;

  // The daemon still answers.
  EXPECT_EQ(cli({"server", "list"}).exit_code, 0);
}


class SmbStallTest : public SmbSyncFixture {
 protected:
  std::string extra_toml() override { return "smb_timeout_ms = 1500\n"; }

  // The size of the largest temp under `root` (0: none).
  static std::uintmax_t largest_temp(const std::string& root) {
    std::uintmax_t largest = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->path().filename().string().ends_with(".distsync-tmp")) {
        largest = std::max(largest, it->file_size(ec));
      }
    }
    return largest;
  }
};

TEST_F(SmbStallTest, StalledServerFailsTheBatchWithinTheBoundAndAResyncCompletes) {
  // One patch far larger than the rest (at most 4 MiB), copied at 8 MiB/s, so the copy is
  // in the middle of it for seconds.
  const std::string big = console_ + "/Patches/stall-kb9000001.msu";
  {
    std::ofstream out(big, std::ios::binary);
    std::string block(1 << 20, '\0');
    for (int mb = 0; mb < 64; ++mb) {
      for (std::size_t i = 0; i < block.size(); i += 4096) block[i] = static_cast<char>(mb + i);
      out << block;
    }
  }
  ASSERT_EQ(add_credential("berlin", kPassword).exit_code, 0) << outputs_;
  ASSERT_EQ(run({"server", "add", "berlin", "--path", smb_->unc("dist") + "\\berlin",
                 "--credential", "berlin", "--bandwidth", "8M"}).exit_code, 0) << outputs_;
  const std::string job = start_sync("berlin");
  ASSERT_FALSE(job.empty()) << outputs_;
  const std::string backing = smb_->share_path("dist") + "/berlin";
  const auto wait_until = std::chrono::steady_clock::now() + 60s;
  while (largest_temp(backing) < (12u << 20) && std::chrono::steady_clock::now() < wait_until) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_GE(largest_temp(backing), 12u << 20) << "the large patch's copy never got under way";

  smb_->pause();
  const auto stalled_at = std::chrono::steady_clock::now();
  std::vector<json> failures = await_job_events(job, "FileCopyFailed", 60s);
  const auto took = std::chrono::steady_clock::now() - stalled_at;
  // The daemon keeps serving while the share does not answer.
  auto listed = run({"server", "list"});
  smb_->resume();
  ASSERT_FALSE(failures.empty()) << "no copy failed while smbd was stopped";
  // Not a speed test: each request waits out smb_timeout_ms (1.5 s) once, and the batch
  // gives up at the first; with the default 15 s it could not fail this soon.
  EXPECT_LT(took, std::chrono::seconds(12));
  EXPECT_EQ(listed.exit_code, 0) << listed.out << listed.err;
  const std::string message = failures[0]["payload"].value("message", "");
  const std::string share = smb_->unc("dist");
  EXPECT_NE(message.find("cannot reach the SMB server 127.0.0.1:" + std::to_string(smb_->port()) +
                         " of " + share),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_GT(failures[0]["payload"].value("next_retry_us", std::int64_t{0}), 0) << message;

  // smbd goes on: the retries land the files, the job completes, and a re-sync finds
  // nothing to copy and leaves no temp.
  json done = wait_job(job, 180s);
  EXPECT_EQ(done.value("status", ""), "completed") << done.dump();
  auto r = run({"sync", "berlin", "--wait"}, 180s);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string again = r.out.substr(5, r.out.find(' ', 5) - 5);
  EXPECT_TRUE(job_events(again, "FileCopied").empty()) << r.out;
  EXPECT_EQ(share_hashes("berlin"), console_hashes());
  EXPECT_TRUE(leftover_temps(backing).empty());
  EXPECT_EQ((outputs_ + daemon_->process().stderr_text()).find(kPassword), std::string::npos);
}

}  // namespace
}  // namespace distsync::testing
