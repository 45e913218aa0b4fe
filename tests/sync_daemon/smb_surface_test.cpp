// The rest of a local server's surface, over an SMB share (real distsyncd, CLI and smbd):
// prune only on request with the prune guard still in force, `distsync sync --verify` and
// `distsync validate` reading back over SMB (a file corrupted on the share is found and
// repaired), the File Status Report of a share, and a distsyncd SIGKILLed mid-sync that
// resumes and completes with no file recorded twice and no temp left. The share is checked
// outside distsync: with smbclient (smb_sync_fixture.h) or in smbd's backing folder.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <set>

#include "tests/sync_daemon/smb_sync_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class SmbSurfaceTest : public SmbSyncFixture {
 protected:
  // Every path here (prune, validate, report, a killed and restarted daemon) keeps the
  // password out of every CLI output, --json included, and the daemon's log.
  void TearDown() override {
    EXPECT_EQ(outputs_.find(kPassword), std::string::npos);
    if (daemon_) {
      EXPECT_EQ(daemon_->process().stderr_text().find(kPassword), std::string::npos);
    }
    SmbSyncFixture::TearDown();
  }

  // Adds the server "berlin" at \\127.0.0.1:PORT\dist\berlin with its credential.
  void add_berlin(std::vector<std::string> extra = {}) {
    ASSERT_EQ(add_credential("berlin", kPassword).exit_code, 0) << outputs_;
    std::vector<std::string> args{"server", "add", "berlin", "--path",
                                  smb_->unc("dist") + "\\berlin", "--credential", "berlin"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  // smbd's backing folder of the server root.
  std::string backing() const { return smb_->share_path("dist") + "/berlin"; }

  // Writes `n` files the console does not have under Patches/old/ on the share (as the
  // share's own user would own them).
  std::set<std::string> add_extras(int n, const std::string& tag) {
    std::set<std::string> out;
    fs::create_directories(backing() + "/Patches/old");
    for (int i = 0; i < n; ++i) {
      std::string rel = "old/" + tag + std::to_string(i) + ".msu";
      std::ofstream(backing() + "/Patches/" + rel) << "stale " << i;
      out.insert(rel);
    }
    give_to_test_user(backing() + "/Patches/old");
    return out;
  }

  std::set<std::string> removed_by(const std::string& job) {
    std::set<std::string> out;
    for (const auto& e : await_job_events(job, "FilesPruned")) {
      for (const auto& p : e["payload"]["removed"]) out.insert(p.get<std::string>());
    }
    return out;
  }

  static std::string job_of(const CommandResult& r) {
    return r.out.substr(5, r.out.find(' ', 5) - 5);  // "sync <job> for berlin queued"
  }

  static json summary_of(const json& report, const std::string& server) {
    for (const auto& s : report.value("servers", json::array())) {
      if (s.value("server", "") == server) return s;
    }
    return json::object();
  }

  static std::string status_of(const json& report, const std::string& patch) {
    for (const auto& p : report.value("patches", json::array())) {
      if (p.value("patch", "") == patch) return p.value("status", "");
    }
    return "";
  }
};

// Flips the first byte of `path` in place and puts its mtime back.
void corrupt_keeping_stamp(const std::string& path) {
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  int fd = ::open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  char c = 0;
  ASSERT_EQ(::pread(fd, &c, 1, 0), 1);
  c = static_cast<char>(c ^ 0x5a);
  ASSERT_EQ(::pwrite(fd, &c, 1, 0), 1);
  ::close(fd);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

TEST_F(SmbSurfaceTest, PruneOnlyOnRequestAndTheGuardStillHolds) {
  add_berlin();
  ASSERT_EQ(run({"sync", "berlin", "--wait"}).exit_code, 0) << outputs_;
  const std::size_t patches = read_tree(console_ + "/Patches").size();

  // Without --prune an extra stays.
  std::set<std::string> one = add_extras(1, "single");
  auto r = run({"sync", "berlin", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(job_events(job_of(r), "FilesPruned").empty());
  EXPECT_TRUE(fs::exists(backing() + "/Patches/" + *one.begin()));

  // With it, the one extra (within 10%) is removed from the share, and the event names it.
  r = run({"sync", "berlin", "--prune", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(removed_by(job_of(r)), one);
  EXPECT_FALSE(fs::exists(backing() + "/Patches/" + *one.begin()));

  // Half as many extras as patches: past the guard, refused before anything is removed.
  const int n = static_cast<int>(patches / 2);
  std::set<std::string> many = add_extras(n, "bulk");
  r = run({"sync", "berlin", "--prune", "--wait"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("prune refused: it would remove " + std::to_string(n) + " of " +
                       std::to_string(patches + n) + " files in Patches"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(await_job_events(job_of(r), "PruneRefused").size(), 1u);
  EXPECT_TRUE(job_events(job_of(r), "FilesPruned").empty());
  for (const auto& rel : many) EXPECT_TRUE(fs::exists(backing() + "/Patches/" + rel)) << rel;

  // --force-prune removes exactly them; the share then equals the console.
  r = run({"sync", "berlin", "--force-prune", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(removed_by(job_of(r)), many);
  EXPECT_EQ(share_hashes("berlin"), console_hashes());
}

TEST_F(SmbSurfaceTest, VerifyAndValidateReadBackOverSmbAndFindACorruptedFile) {
  add_berlin();
  auto r = run({"sync", "berlin", "--verify", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(job_events(job_of(r), "FileCopied").size(), console_hashes().size());

  r = run({"validate", "berlin", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json v = json::parse(r.out)["validations"][0];
  ASSERT_EQ(v.value("state", ""), "completed") << r.out;
  EXPECT_EQ(v["result"].value("ok", 0u), console_hashes().size()) << r.out;

  // One patch corrupted on the share with its size and mtime kept: only a read-back sees it.
  std::string patch;
  for (const auto& [p, h] : console_hashes()) {
    if (p.rfind("Patches/", 0) == 0) {
      patch = p;
      break;
    }
  }
  corrupt_keeping_stamp(backing() + "/" + patch);
  r = run({"validate", "berlin", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  v = json::parse(r.out)["validations"][0];
  ASSERT_EQ(v.value("state", ""), "completed") << r.out;
  EXPECT_EQ(v["result"]["mismatched_paths"].get<std::vector<std::string>>(),
            std::vector<std::string>{patch});
  EXPECT_EQ(v["result"].value("missing", 1), 0);
  json report = json::parse(run({"report", "berlin", "--json"}).out);
  EXPECT_EQ(status_of(report, patch.substr(8)), "corrupt");

  // --repair copies it again over SMB (with --verify: read back before the rename).
  r = run({"validate", "berlin", "--repair", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string job = json::parse(r.out)["validations"][0].value("repair_job", "");
  ASSERT_FALSE(job.empty()) << r.out;
  EXPECT_EQ(wait_job(job).value("status", ""), "completed") << job_reason(job);
  ASSERT_EQ(await_job_events(job, "SyncCompleted").size(), 1u);
  auto copied = job_events(job, "FileCopied");
  ASSERT_EQ(copied.size(), 1u);
  EXPECT_EQ(copied[0]["payload"].value("path", ""), patch);
  EXPECT_EQ(share_hashes("berlin"), console_hashes());
  r = run({"validate", "berlin", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(SmbSurfaceTest, FileStatusReportListsTheShare) {
  add_berlin();
  const std::size_t patches = read_tree(console_ + "/Patches").size();
  json before = json::parse(run({"report", "berlin", "--json"}).out);
  EXPECT_EQ(summary_of(before, "berlin").value("missing", 0u), patches) << before.dump();
  EXPECT_EQ(summary_of(before, "berlin").value("up_to_date", 1u), 0u);

  ASSERT_EQ(run({"sync", "berlin", "--wait"}).exit_code, 0) << outputs_;
  json after = json::parse(run({"report", "berlin", "--json"}).out);
  EXPECT_EQ(summary_of(after, "berlin").value("up_to_date", 0u), patches) << after.dump();

  // One patch changed on the console, another deleted from the share by another client.
  auto tree = read_tree(console_ + "/Patches");
  const std::string changed = tree.begin()->first, gone = std::next(tree.begin())->first;
  std::ofstream(console_ + "/Patches/" + changed, std::ios::app | std::ios::binary) << "newer";
  auto [rc, out] = smb_->smbclient("dist", "del berlin/Patches/" + gone);
  ASSERT_EQ(rc, 0) << out;
  json stale = json::parse(run({"report", "berlin", "--json"}).out);
  EXPECT_EQ(status_of(stale, changed), "out_of_date") << stale.dump();
  EXPECT_EQ(status_of(stale, gone), "missing") << stale.dump();
  EXPECT_EQ(summary_of(stale, "berlin").value("up_to_date", 0u), patches - 2);
  auto table = run({"report", "berlin"});
  EXPECT_NE(table.out.find("berlin: 1 missing, 1 out of date, " + std::to_string(patches - 2) +
                           " up to date"),
            std::string::npos)
      << table.out;
}

TEST_F(SmbSurfaceTest, KilledMidSyncResumesWithoutDuplicatesOrTempsOnTheShare) {
  add_berlin({"--bandwidth", "2M"});
  std::string job = start_sync("berlin");
  ASSERT_FALSE(job.empty());
  auto finished = [&] {
    return !job_events(job, "SyncCompleted").empty() || !job_events(job, "SyncFailed").empty();
  };
  auto wait_until = [&](const std::function<bool()>& ready) {
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (ready()) return true;
      if (finished()) return false;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  };
  auto started = [&] { return job_events(job, "SyncStarted").size(); };
  std::size_t copied_at_kill = 0;
  // 1: the first attempt is writing temps on the share; 2: the resumed one recorded a batch.
  const std::vector<std::function<bool()>> kill_points = {
      [&] { return started() >= 1 && !leftover_temps(backing()).empty(); },
      [&] { return started() >= 2 && job_events(job, "FileCopied").size() > copied_at_kill; },
  };
  std::size_t kills = 0;
  for (const auto& point : kill_points) {
    if (!wait_until(point)) break;
    copied_at_kill = job_events(job, "FileCopied").size();
    kill_daemon();
    ++kills;
    start_daemon();
    if (HasFatalFailure()) return;
  }
  ASSERT_GE(kills, 1u) << "the sync finished before it could be interrupted";

  json p = wait_job(job, 120s);
  EXPECT_EQ(p.value("status", ""), "completed") << job_reason(job);
  EXPECT_EQ(share_hashes("berlin"), console_hashes());
  EXPECT_TRUE(leftover_temps(backing()).empty());
  auto [rc, listing] = smb_->smbclient("dist", "recurse on; ls berlin/*");
  EXPECT_EQ(rc, 0) << listing;
  EXPECT_EQ(listing.find(".distsync-tmp"), std::string::npos) << listing;

  std::set<std::string> seen;
  for (const auto& e : job_events(job, "FileCopied")) {
    std::string path = e["payload"].value("path", "");
    EXPECT_TRUE(seen.insert(path).second) << path << " recorded twice as FileCopied";
  }
  EXPECT_LE(seen.size(), console_hashes().size());
  EXPECT_GE(started(), kills + 1);
}

}  // namespace
}  // namespace distsync::testing
