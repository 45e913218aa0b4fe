// SmbSyncFixture: SyncDaemonFixture plus a real Samba smbd on a loopback port
// (tests/support/samba_server.h) with a writable share "dist" and a read-only share "ro", and
// helpers to add a credential through the CLI (password on stdin), run the CLI while keeping
// every output (to look for passwords in), and read a share back with a separate SMB client
// (smbclient mget, hashed), never through distsync's own code. Not thread-safe.
#pragma once

#include <filesystem>
#include <fstream>

#include "daemon/content/sha256_file.h"
#include "tests/support/samba_server.h"
#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {

inline std::string sha_of(const std::string& bytes) { return sha256_hex(bytes); }

inline constexpr char kPassword[] = "Berlin-Share-Pa55w0rd";

class SmbSyncFixture : public SyncDaemonFixture {
 protected:
  void SetUp() override {
    SyncDaemonFixture::SetUp();
    if (HasFatalFailure()) return;
    smb_ = std::make_unique<SambaServer>(dir_.sub("smb"), kPassword, shares());
    ASSERT_TRUE(smb_->ready()) << smb_->log();
  }

  virtual std::vector<SambaShare> shares() { return {{"dist", false}, {"ro", true}}; }

  // `distsync credential add NAME --user U` with the password on stdin.
  CommandResult add_credential(const std::string& name, const std::string& password) {
    std::string cmd = "printf '%s\\n' '" + password + "' | '" + DaemonHarness::cli_path() +
                      "' --config '" + config_path() + "' --data-dir '" + dir_.sub("data") +
                      "' --console east credential add " + name + " --user " + SambaServer::user();
    return record(run_command("/bin/sh", {"-c", cmd}, dir_.path()));
  }

  CommandResult run(std::vector<std::string> args, std::chrono::milliseconds timeout = 60s) {
    return record(cli(std::move(args), timeout));
  }

  CommandResult record(CommandResult r) {
    outputs_ += r.out + r.err;
    return r;
  }

  // The share's tree under `dir` as a separate client sees it: smbclient mget, then hashes.
  std::map<std::string, std::string> share_hashes(const std::string& dir) {
    std::string local = dir_.sub("fetched-" + std::to_string(++fetches_));
    std::filesystem::create_directories(local);
    auto [rc, out] = smb_->smbclient("dist", "prompt off; recurse on; cd " + dir + "; mget *", local);
    EXPECT_EQ(rc, 0) << out;
    std::map<std::string, std::string> hashes;
    for (auto& [path, facts] : read_tree(local)) hashes[path] = sha_of(facts.bytes);
    return hashes;
  }

  std::map<std::string, std::string> console_hashes() {
    std::map<std::string, std::string> out;
    for (auto& [path, facts] : expected_server_tree()) out[path] = sha_of(facts.bytes);
    return out;
  }

  std::unique_ptr<SambaServer> smb_;
  std::string outputs_;  // every CLI stdout and stderr
  int fetches_ = 0;
};

}  // namespace distsync::testing
