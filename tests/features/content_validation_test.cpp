// Content validation over the real daemon: a file corrupted on the server with its size and
// mtime kept is found by `distsync validate` (mismatched), shown "corrupt" by the File Status
// Report, and `--repair` syncs exactly the bad files; a second validation finds all intact.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class ContentValidationTest : public SyncDaemonFixture {};

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

std::string status_of(const json& report, const std::string& patch) {
  for (const auto& p : report.value("patches", json::array())) {
    if (p.value("patch", "") == patch) return p.value("status", "");
  }
  return "";
}

TEST_F(ContentValidationTest, CorruptFileIsFoundShownAndRepaired) {
  const std::string share = dir_.sub("alpha");
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", share}).exit_code, 0);
  ASSERT_EQ(cli({"sync", "alpha", "--wait"}).exit_code, 0);
  const auto expected = expected_server_tree();
  auto it = expected.begin();
  const std::string corrupted = it->first, removed = std::next(it)->first;
  ASSERT_EQ(corrupted.rfind("DataFiles/", 0), 0u);  // both components are covered
  std::string patch;
  for (const auto& [p, f] : expected) {
    if (p.rfind("Patches/", 0) == 0) {
      patch = p;
      break;
    }
  }
  corrupt_keeping_stamp(share + "/" + corrupted);
  corrupt_keeping_stamp(share + "/" + patch);
  fs::remove(share + "/" + removed);
  std::ofstream(share + "/Patches/only-here.msu") << "extra";

  // Validation finds them without copying anything.
  auto r = cli({"validate", "alpha", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  json v = json::parse(r.out)["validations"][0];
  ASSERT_EQ(v.value("state", ""), "completed") << r.out;
  const json& res = v["result"];
  EXPECT_EQ(res.value("mismatched", 0), 2);
  EXPECT_EQ(res.value("missing", 0), 1);
  EXPECT_EQ(res.value("extra", 0), 1);
  EXPECT_EQ(res.value("ok", 0u), expected.size() - 3);
  EXPECT_EQ(res["mismatched_paths"].get<std::set<std::string>>(),
            (std::set<std::string>{corrupted, patch}));
  EXPECT_EQ(res["missing_paths"].get<std::vector<std::string>>(), std::vector<std::string>{removed});
  EXPECT_NE(read_tree(share).at(patch), expected.at(patch));  // not copied by validation
  EXPECT_EQ(job_events(v.value("validation", ""), "ValidationCompleted").size(), 1u);

  // The report calls the patch with the right size and mtime but the wrong bytes corrupt.
  json report = json::parse(cli({"report", "alpha", "--json"}).out);
  EXPECT_EQ(status_of(report, patch.substr(8)), "corrupt");
  EXPECT_EQ(report["servers"][0].value("corrupt", 0), 1);
  EXPECT_NE(cli({"report", "alpha"}).out.find("1 corrupt"), std::string::npos);

  // --repair queues a sync of exactly the bad files.
  r = cli({"validate", "alpha", "--repair", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  v = json::parse(r.out)["validations"][0];
  const std::string job = v.value("repair_job", "");
  ASSERT_FALSE(job.empty()) << r.out;
  EXPECT_EQ(wait_job(job).value("status", ""), "completed");
  auto queued = job_events(job, "SyncQueued");
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0]["payload"].value("trigger", ""), "repair");
  std::set<std::string> copied;
  ASSERT_EQ(await_job_events(job, "SyncCompleted").size(), 1u);
  for (const auto& e : job_events(job, "FileCopied")) {
    copied.insert(e["payload"].value("path", ""));
  }
  EXPECT_EQ(copied, (std::set<std::string>{corrupted, patch, removed}));
  auto tree = read_tree(share);
  tree.erase("Patches/only-here.msu");
  EXPECT_EQ(tree, expected);

  // Intact now, and the report agrees.
  r = cli({"validate", "alpha", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const json again = json::parse(r.out)["validations"][0]["result"];
  EXPECT_EQ(again.value("mismatched", 1), 0);
  EXPECT_EQ(again.value("missing", 1), 0);
  report = json::parse(cli({"report", "alpha", "--json"}).out);
  EXPECT_EQ(status_of(report, patch.substr(8)), "up_to_date");
}

TEST_F(ContentValidationTest, UnknownServerIsOneLineAndNothingRecorded) {
  const std::uint64_t before = call("events.read", {{"from", 1}, {"limit", 1}}).value("last_seq", 0ull);
  auto r = cli({"validate", "nowhere"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no server 'nowhere'"), std::string::npos) << r.err;
  EXPECT_EQ(call("events.read", {{"from", 1}, {"limit", 1}}).value("last_seq", 0ull), before);
}

}  // namespace
}  // namespace distsync::testing
