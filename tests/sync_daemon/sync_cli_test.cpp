// `distsync sync` and `distsync report` against a real distsyncd: a full copy byte for byte, a
// re-sync that copies nothing, one changed file copied alone, the File Status Report before and
// after, and targets that cannot be written (full tmpfs, no permission, path under a file).
#include <sys/mount.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <sstream>

#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class SyncCliTest : public SyncDaemonFixture {};

std::map<std::string, std::uint64_t> summary_of(const json& report, const std::string& server) {
  for (const auto& s : report.value("servers", json::array())) {
    if (s.value("server", "") == server) {
      return {{"missing", s.value("missing", 0)},
              {"out_of_date", s.value("out_of_date", 0)},
              {"up_to_date", s.value("up_to_date", 0)}};
    }
  }
  return {};
}

std::string status_of(const json& report, const std::string& patch) {
  for (const auto& p : report.value("patches", json::array())) {
    if (p.value("patch", "") == patch) return p.value("status", "");
  }
  return "";
}

TEST_F(SyncCliTest, FullSyncResyncAndOneChangedFileWithReport) {
  const std::string share = dir_.sub("alpha");
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", share}).exit_code, 0);
  const std::size_t patches = read_tree(console_ + "/Patches").size();
  ASSERT_GT(patches, 10u);

  auto before = json::parse(cli({"report", "alpha", "--json"}).out);
  EXPECT_EQ(summary_of(before, "alpha")["missing"], patches);
  EXPECT_EQ(summary_of(before, "alpha")["up_to_date"], 0u);

  auto r = cli({"sync", "alpha", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // "sync <job> for alpha queued" ... "sync <job> completed: N copied, ..."
  std::string job = r.out.substr(5, r.out.find(' ', 5) - 5);
  ASSERT_FALSE(job.empty());
  EXPECT_NE(r.out.find("sync " + job + " completed: "), std::string::npos) << r.out;

  EXPECT_EQ(read_tree(share), expected_server_tree());
  EXPECT_TRUE(leftover_temps(share).empty());
  EXPECT_EQ(job_events(job, "FileCopied").size(), expected_server_tree().size());

  auto after = json::parse(cli({"report", "--json"}).out);
  EXPECT_EQ(summary_of(after, "alpha")["up_to_date"], patches);
  EXPECT_EQ(summary_of(after, "alpha")["missing"], 0u);

  // A re-sync copies nothing.
  r = cli({"sync", "alpha", "--wait", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto done = json::parse(r.out.substr(r.out.find('{')));
  std::string job2 = done.value("job", "");
  ASSERT_NE(job2, job);
  EXPECT_EQ(done.value("status", ""), "completed");
  EXPECT_EQ(job_events(job2, "FileCopied").size(), 0u);
  EXPECT_EQ(job_events(job2, "SyncCompleted").size(), 1u);

  // One changed patch: out of date in the report, then copied alone.
  std::string changed;
  for (const auto& [path, facts] : read_tree(console_ + "/Patches")) {
    changed = path;
    break;
  }
  {
    std::ofstream out(console_ + "/Patches/" + changed, std::ios::app | std::ios::binary);
    out << "one more line";
  }
  auto stale = json::parse(cli({"report", "alpha", "--json"}).out);
  EXPECT_EQ(status_of(stale, changed), "out_of_date");
  EXPECT_EQ(summary_of(stale, "alpha")["out_of_date"], 1u);
  EXPECT_EQ(summary_of(stale, "alpha")["up_to_date"], patches - 1);
  auto table = cli({"report", "alpha"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("alpha: 0 missing, 1 out of date, " + std::to_string(patches - 1) +
                           " up to date"),
            std::string::npos)
      << table.out;
  auto csv = cli({"report", "alpha", "--csv"});
  EXPECT_EQ(csv.out.rfind("server,patch,status,size\r\n", 0), 0u) << csv.out;
  EXPECT_NE(csv.out.find("alpha," + changed + ",out_of_date,"), std::string::npos);

  r = cli({"sync", "alpha", "--component", "patches", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string job3 = r.out.substr(5, r.out.find(' ', 5) - 5);
  auto copied = job_events(job3, "FileCopied");
  ASSERT_EQ(copied.size(), 1u);
  EXPECT_EQ(copied[0]["payload"].value("path", ""), "Patches/" + changed);
  EXPECT_EQ(read_tree(share), expected_server_tree());
  auto fresh = json::parse(cli({"report", "alpha", "--json"}).out);
  EXPECT_EQ(summary_of(fresh, "alpha")["up_to_date"], patches);

  // The job commands see the three finished jobs.
  auto jobs = cli({"sync", "jobs", "--all"});
  EXPECT_EQ(jobs.exit_code, 0);
  for (const auto& j : {job, job2, job3}) EXPECT_NE(jobs.out.find(j), std::string::npos);
  auto one = cli({"sync", "job", job3});
  EXPECT_EQ(one.exit_code, 0);
  EXPECT_EQ(one.out.rfind(job3 + " completed  1/1 files", 0), 0u) << one.out;
}

TEST_F(SyncCliTest, UnknownJobAndServerAreOneLineErrors) {
  auto r = cli({"sync", "job", "no-such-job"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("distsync: no job 'no-such-job'", 0), 0u) << r.err;
  r = cli({"report", "nobody"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no server 'nobody'"), std::string::npos) << r.err;
  r = cli({"sync"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = cli({"report", "--json", "--csv"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

// `distsync history` names the server of every job event, not only of the SyncQueued that
// states it: SyncStarted, FileCopied and SyncCompleted of a sync, and SyncFailed of another.
TEST_F(SyncCliTest, HistoryShowsTheServerOfEveryJobEvent) {
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", dir_.sub("alpha")}).exit_code, 0);
  auto ok = cli({"sync", "alpha", "--wait"});
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  { std::ofstream(dir_.sub("plain-file")) << "not a folder"; }
  ASSERT_EQ(cli({"server", "add", "beta", "--path", dir_.sub("plain-file") + "/share"}).exit_code,
            0);
  EXPECT_EQ(cli({"sync", "beta", "--wait"}).exit_code, 1);

  auto table = cli({"history", "--limit", "10000"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::istringstream lines(table.out);
  std::string header;
  std::getline(lines, header);
  const std::size_t event_at = header.find("EVENT"), server_at = header.find("SERVER"),
                    detail_at = header.find("DETAIL");
  ASSERT_NE(detail_at, std::string::npos) << header;
  std::map<std::string, std::set<std::string>> servers_by_type;
  for (std::string line; std::getline(lines, line);) {
    if (line.size() < detail_at) continue;
    auto cell = [&](std::size_t from, std::size_t to) {
      std::string c = line.substr(from, to - from);
      return c.substr(0, c.find(' '));
    };
    const std::string type = cell(event_at, server_at);
    if (type.rfind("Sync", 0) == 0 || type.rfind("File", 0) == 0) {
      servers_by_type[type].insert(cell(server_at, detail_at));
    }
  }
  using Servers = std::set<std::string>;
  EXPECT_EQ(servers_by_type["SyncQueued"], (Servers{"alpha", "beta"})) << table.out;
  EXPECT_EQ(servers_by_type["SyncStarted"].count("alpha"), 1u) << table.out;
  EXPECT_EQ(servers_by_type["FileCopied"], Servers{"alpha"}) << table.out;
  EXPECT_EQ(servers_by_type["SyncCompleted"], Servers{"alpha"}) << table.out;
  EXPECT_EQ(servers_by_type["SyncFailed"], Servers{"beta"}) << table.out;
  for (const auto& [type, servers] : servers_by_type) {
    EXPECT_EQ(servers.count("-"), 0u) << type << " without its server:\n" << table.out;
  }
}

TEST_F(SyncCliTest, TargetUnderARegularFileFailsWithAReasonAndCopiesNothing) {
  { std::ofstream(dir_.sub("plain-file")) << "not a folder"; }
  ASSERT_EQ(
      cli({"server", "add", "under-file", "--path", dir_.sub("plain-file") + "/share"}).exit_code,
      0);
  auto r = cli({"sync", "under-file", "--wait"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  std::string job = r.out.substr(5, r.out.find(' ', 5) - 5);
  EXPECT_EQ(await_job_events(job, "SyncFailed").size(), 1u);
  EXPECT_EQ(job_events(job, "FileCopied").size(), 0u);
  std::string reason = job_reason(job);
  EXPECT_FALSE(reason.empty());
  EXPECT_NE(r.err.find("sync " + job + " failed: " + reason), std::string::npos) << r.err;
  std::cout << "reason: " << reason << "\n";
}

// As root (CI) the daemon runs as the test user, since root writes through folder permissions.
TEST_F(SyncCliTest, UnwritableTargetFailsWithAReasonAndCopiesNothing) {
  kill_daemon();
  fs::create_directories(dir_.sub("locked"));
  give_to_test_user(dir_.path());
  start_daemon(/*as_test_user=*/true);
  fs::permissions(dir_.sub("locked"), fs::perms::owner_read | fs::perms::owner_exec);
  ASSERT_EQ(cli({"server", "add", "locked", "--path", dir_.sub("locked")}).exit_code, 0);
  auto r = cli({"sync", "locked", "--wait"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  std::string job = r.out.substr(5, r.out.find(' ', 5) - 5);
  EXPECT_EQ(await_job_events(job, "SyncFailed").size(), 1u) << r.out << r.err;
  EXPECT_EQ(job_events(job, "FileCopied").size(), 0u);
  EXPECT_FALSE(job_reason(job).empty());
  EXPECT_TRUE(read_tree(dir_.sub("locked")).empty());
}

TEST_F(SyncCliTest, FullTmpfsEndsTheJobWithoutTemps) {
  const std::string mnt = dir_.sub("small-fs");
  fs::create_directories(mnt);
  if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=2m") != 0) {
    GTEST_SKIP() << "cannot mount a 2 MiB tmpfs here (" << std::strerror(errno)
                 << "); needs CAP_SYS_ADMIN";
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mnt};
  ASSERT_EQ(cli({"server", "add", "tiny", "--path", mnt + "/share"}).exit_code, 0);
  std::string job = start_sync("tiny");
  ASSERT_FALSE(job.empty());
  json p = wait_job(job);
  auto no_space = job_events(job, "FileCopyFailed");
  bool saw_no_space = false;
  for (const auto& e : no_space) saw_no_space |= e["payload"].value("cause", "") == "no_space";
  EXPECT_TRUE(p.value("status", "") == "failed" || saw_no_space) << p.dump();
  EXPECT_TRUE(leftover_temps(mnt).empty());
  EXPECT_EQ(call("status").value("console_id", ""), "east");
  std::cout << "tmpfs job: " << p.value("status", "") << ", reason: " << job_reason(job)
            << ", no_space failures: " << no_space.size() << "\n";
}

}  // namespace
}  // namespace distsync::testing
