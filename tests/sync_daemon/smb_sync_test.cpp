// A share as a distribution server, as an operator runs it: a real distsyncd, the distsync
// CLI and a real Samba smbd on a loopback port (tests/support/samba_server.h). The share is
// checked with a separate SMB client (smbclient mget, compared by SHA-256), never through
// distsync's own code, and the password is looked for everywhere it must not be.
#include <gtest/gtest.h>

#include "tests/sync_daemon/smb_sync_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class SmbSyncTest : public SmbSyncFixture {};

TEST_F(SmbSyncTest, UncServerWithCredentialSyncsTheShareEqualToTheConsole) {
  // A credential that does not exist yet cannot be named.
  std::string path = smb_->unc("dist") + "\\berlin";
  auto r = run({"server", "add", "berlin", "--path", path, "--credential", "berlin"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--credential names no stored credential"), std::string::npos) << r.err;

  ASSERT_EQ(add_credential("berlin", kPassword).exit_code, 0) << outputs_;
  r = run({"server", "add", "berlin", "--path", path, "--credential", "berlin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // Shown back as typed.
  auto list = json::parse(run({"server", "list", "--json"}).out);
  ASSERT_EQ(list["servers"].size(), 1u);
  EXPECT_EQ(list["servers"][0].value("root_path", ""), path);
  EXPECT_EQ(list["servers"][0].value("credential_ref", ""), "berlin");

  r = run({"sync", "berlin", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err << daemon_->process().stderr_text();
  std::string job = r.out.substr(5, r.out.find(' ', 5) - 5);
  EXPECT_EQ(share_hashes("berlin"), console_hashes());
  EXPECT_EQ(job_events(job, "FileCopied").size(), console_hashes().size());
  EXPECT_TRUE(leftover_temps(smb_->share_path("dist")).empty());

  // A re-sync copies nothing.
  r = run({"sync", "berlin", "--wait", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto done = json::parse(r.out.substr(r.out.find('{')));
  std::string job2 = done.value("job", "");
  EXPECT_EQ(done.value("status", ""), "completed");
  EXPECT_EQ(job_events(job2, "FileCopied").size(), 0u);

  // One changed patch is copied alone.
  std::string changed = read_tree(console_ + "/Patches").begin()->first;
  std::ofstream(console_ + "/Patches/" + changed, std::ios::binary | std::ios::trunc)
      << "a newer build of this patch";
  r = run({"sync", "berlin", "--wait", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string job3 = json::parse(r.out.substr(r.out.find('{'))).value("job", "");
  auto copied = job_events(job3, "FileCopied");
  ASSERT_EQ(copied.size(), 1u);
  EXPECT_EQ(share_hashes("berlin"), console_hashes());

  // The credential in use cannot be removed; list shows names and users only.
  r = run({"credential", "remove", "berlin"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("used by server(s) berlin"), std::string::npos) << r.err;
  auto creds = json::parse(run({"credential", "list", "--json"}).out);
  ASSERT_EQ(creds["credentials"].size(), 1u);
  EXPECT_EQ(creds["credentials"][0].value("user", ""), SambaServer::user());
  EXPECT_EQ(creds["credentials"][0]["servers"][0], "berlin");

  // The store is the daemon user's alone.
  struct stat st {};
  ASSERT_EQ(::stat((dir_.sub("data") + "/credentials.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SmbSyncTest, FailuresAreNamedBeforeAnythingIsCopiedAndNoPasswordLeaks) {
  ASSERT_EQ(add_credential("berlin", kPassword).exit_code, 0) << outputs_;
  ASSERT_EQ(add_credential("stale", "Wrong-Pa55-For-Share").exit_code, 0) << outputs_;

  // Wrong password.
  ASSERT_EQ(run({"server", "add", "paris", "--path", smb_->unc("dist") + "\\paris",
                 "--credential", "stale"}).exit_code, 0);
  auto r = run({"sync", "paris", "--wait"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE((r.out + r.err).find("the credential 'stale' was refused by \\\\127.0.0.1:"),
            std::string::npos)
      << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("distsync credential add stale"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(smb_->share_path("dist") + "/paris"));

  // Read-only share.
  ASSERT_EQ(run({"server", "add", "rome", "--path", "smb://127.0.0.1:" +
                 std::to_string(smb_->port()) + "/ro/rome", "--credential", "berlin"}).exit_code, 0);
  r = run({"sync", "rome", "--wait"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE((r.out + r.err).find("\\ro"), std::string::npos) << r.out << r.err;

  // Unknown share.
  ASSERT_EQ(run({"server", "add", "oslo", "--path", smb_->unc("nosuch"), "--credential",
                 "berlin"}).exit_code, 0);
  r = run({"sync", "oslo", "--wait"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE((r.out + r.err).find("share 'nosuch' does not exist"), std::string::npos)
      << r.out << r.err;

  // A password typed where a name goes is refused and not echoed; user info is refused.
  r = run({"server", "add", "x1", "--path", smb_->unc("dist") + "\\x1", "--credential",
           "pw " + std::string(kPassword)});
  EXPECT_EQ(r.exit_code, 1);
  r = run({"server", "add", "x2", "--path",
           "smb://u:" + std::string(kPassword) + "@127.0.0.1/dist/x2"});
  EXPECT_EQ(r.exit_code, 1);

  // Nowhere: not in the log (exported), the data dir, the daemon's stderr, any CLI output
  // (tables and --json), history.
  run({"history", "--json"});
  run({"server", "list", "--json"});
  run({"credential", "list"});
  run({"sync", "jobs", "--json"});
  auto exported = run({"export", "--format", "jsonl", "-o", dir_.sub("export.jsonl")});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  std::string everything = outputs_ + daemon_->process().stderr_text();
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (!e.is_regular_file()) continue;
    std::string p = e.path().string();
    // The store itself, smbd's own files and the test's smbclient auth file hold it by design.
    if (p.ends_with("/credentials.json") || p.find("/smb/") != std::string::npos) continue;
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    EXPECT_EQ(s.str().find(kPassword), std::string::npos) << p;
    EXPECT_EQ(s.str().find("Wrong-Pa55-For-Share"), std::string::npos) << p;
  }
  EXPECT_EQ(everything.find(kPassword), std::string::npos);
  EXPECT_EQ(everything.find("Wrong-Pa55-For-Share"), std::string::npos);
}

}  // namespace
}  // namespace distsync::testing
