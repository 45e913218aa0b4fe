#include "daemon/sync/file_status_report.h"

#include "daemon/targets/memory_target.h"
#include "tests/sync/sync_fixture.h"

namespace distsync::testing {
namespace {

TEST(FileStatusReportTest, PureFoldListsMissingOutOfDateAndUpToDate) {
  Manifest patches;
  patches.files = {{"a.msu", 10, 1, 0, ""}, {"b.msu", 20, 1, 0, ""}, {"c.msu", 30, 1, 0, ""}};
  TargetDiff diff;
  diff.missing = {"c.msu"};
  diff.out_of_date = {"b.msu"};
  diff.up_to_date = {"a.msu"};
  std::vector<ServerDiff> diffs;
  diffs.push_back({"s1", diff});
  diffs.push_back({"s,2", Status::unavailable("share offline")});
  FileStatusReport r = make_file_status_report(patches, diffs);
  std::vector<PatchStatusRow> want = {{"s1", "a.msu", "up_to_date", 10},
                                      {"s1", "b.msu", "out_of_date", 20},
                                      {"s1", "c.msu", "missing", 30}};
  EXPECT_EQ(r.rows, want);
  ASSERT_EQ(r.servers.size(), 2u);
  EXPECT_EQ(r.servers[0].missing, 1u);
  EXPECT_EQ(r.servers[1].error, "share offline");
  EXPECT_EQ(report_csv(r),
            "server,patch,status,size\r\ns1,a.msu,up_to_date,10\r\ns1,b.msu,out_of_date,20\r\n"
            "s1,c.msu,missing,30\r\n");
  auto j = report_json(r);
  EXPECT_EQ(j["patches"][2]["status"], "missing");
  EXPECT_EQ(j["servers"][1]["error"], "share offline");
  EXPECT_EQ(j["servers"][1]["server"], "s,2");
}

TEST(FileStatusReportTest, ReadsTheConsoleAndServersAndIgnoresDataFiles) {
  TempDir dir;
  std::string console = dir.sub("console"), server = dir.sub("server");
  write_file(console + "/Patches/same.msu", "same");
  write_file(console + "/Patches/changed.msu", "new content");
  write_file(console + "/Patches/missing.msu", "missing");
  write_file(console + "/DataFiles/definition.xml", "not in the report");
  fs::create_directories(server + "/Patches");
  fs::copy_file(console + "/Patches/same.msu", server + "/Patches/same.msu");
  fs::last_write_time(server + "/Patches/same.msu",
                      fs::last_write_time(console + "/Patches/same.msu"));
  write_file(server + "/Patches/changed.msu", "old");
  ServerSpec s;
  s.name = "s1";
  s.root_path = server;
  auto r = build_file_status_report({console + "/Patches", console + "/DataFiles"}, {s}, "");
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  std::map<std::string, std::string> status;
  for (const auto& row : r->rows) status[row.patch] = row.status;
  EXPECT_EQ(status, (std::map<std::string, std::string>{{"changed.msu", "out_of_date"},
                                                        {"missing.msu", "missing"},
                                                        {"same.msu", "up_to_date"}}));
}

TEST(FileStatusReportTest, ListsEachServerThroughItsTarget) {
  TempDir dir;
  std::string console = dir.sub("console");
  write_file(console + "/Patches/a.msu", "new content");
  write_file(console + "/Patches/b.msu", "b");
  auto target = std::make_shared<MemoryTarget>();
  target->put("Patches/a.msu", MemoryFile{"old", 1});
  std::vector<std::string> asked;
  ServerSpec s;
  s.name = "remote";
  s.root_path = dir.sub("never-touched");  // only the Target is asked
  auto r = build_file_status_report(
      {console + "/Patches", console + "/DataFiles"}, {s}, "",
      [&](const ServerSpec& spec) -> std::shared_ptr<Target> {
        asked.push_back(spec.name);
        return target;
      });
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ(asked, std::vector<std::string>{"remote"});
  std::map<std::string, std::string> status;
  for (const auto& row : r->rows) status[row.patch] = row.status;
  EXPECT_EQ(status, (std::map<std::string, std::string>{{"a.msu", "out_of_date"},
                                                        {"b.msu", "missing"}}));
  EXPECT_FALSE(fs::exists(s.root_path + "/Patches"));
}

}  // namespace
}  // namespace distsync::testing
