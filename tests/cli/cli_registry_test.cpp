// `distsync server ...` and `distsync schedule ...` against a real daemon: happy paths, --as-of
// against a known history, and bad input (each one line, exit 1 or 2, the log unchanged).
#include <filesystem>

#include "tests/cli/cli_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

class CliRegistryTest : public CliFixture {};

TEST_F(CliRegistryTest, AFreshInstallHasItsConsoleFoldersAndReportsNoPatches) {
  EXPECT_TRUE(std::filesystem::is_directory(dir_.sub("data/console/Patches")));
  EXPECT_TRUE(std::filesystem::is_directory(dir_.sub("data/console/DataFiles")));
  ASSERT_EQ(cli({"server", "add", "east-1", "--path", dir_.sub("share1")}).exit_code, 0);
  auto report = cli({"report"});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_NE(report.out.find("no patches"), std::string::npos) << report.out;
}

TEST_F(CliRegistryTest, ServerAddEditListRemove) {
  auto add =
      cli({"server", "add", "east-1", "--path", dir_.sub("share1"), "--description", "Berlin",
           "--max-parallel", "2", "--bandwidth", "10M", "--verify", "--dir", "patches=P"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_NE(add.out.find("added server east-1"), std::string::npos);
  json list = cli_json({"server", "list"});
  ASSERT_EQ(list["servers"].size(), 1u);
  const json& s = list["servers"][0];
  EXPECT_EQ(s["name"], "east-1");
  EXPECT_EQ(s["bandwidth_limit_bps"], 10u << 20);
  EXPECT_EQ(s["max_parallel_copies"], 2);
  EXPECT_EQ(s["verify_after_copy"], true);
  EXPECT_EQ(s["added_by"], "east");
  const std::uint64_t before_edit = head();

  ASSERT_EQ(cli({"server", "edit", "east-1", "--disable", "--rename", "east-2"}).exit_code, 0);
  list = cli_json({"server", "list"});
  EXPECT_EQ(list["servers"][0]["name"], "east-2");
  EXPECT_EQ(list["servers"][0]["enabled"], false);
  auto table = cli({"server", "list"});
  EXPECT_NE(table.out.find("east-2"), std::string::npos);
  EXPECT_NE(table.out.find("10M/s"), std::string::npos);

  // --as-of: the registry as it was before the edit.
  json then = cli_json({"server", "list", "--as-of", "#" + std::to_string(before_edit)});
  ASSERT_EQ(then["servers"].size(), 1u);
  EXPECT_EQ(then["servers"][0]["name"], "east-1");
  EXPECT_EQ(then["as_of_seq"], before_edit);
  EXPECT_EQ(cli_json({"server", "list", "--as-of", "#1"})["servers"].size(), 0u);

  ASSERT_EQ(cli({"server", "remove", "east-2"}).exit_code, 0);
  EXPECT_EQ(cli_json({"server", "list"})["servers"].size(), 0u);
}

TEST_F(CliRegistryTest, ScheduleAddListPreviewEditRunDelete) {
  ASSERT_EQ(cli({"server", "add", "east-1", "--path", dir_.sub("share1")}).exit_code, 0);
  auto add = cli(
      {"schedule", "add",  "--server",      "east-1", "--component",   "patches", "--monthly",
       "--nth",    "2",    "--weekday",     "tue",    "--delay",       "4",       "--at",
       "03:00",    "--tz", "Europe/Berlin", "--id",   "patch-tuesday", "--start", "2026-01-01"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_NE(add.out.find("added schedule patch-tuesday"), std::string::npos) << add.out;
  const std::uint64_t after_add = head();

  json list = cli_json({"schedule", "list", "--next", "3"});
  ASSERT_EQ(list["schedules"].size(), 1u);
  const json& s = list["schedules"][0];
  EXPECT_EQ(s["owner"], "east");
  EXPECT_EQ(s["recurrence"]["nth"], 2);
  EXPECT_EQ(s["recurrence"]["delay_days"], 4);
  EXPECT_EQ(s["next"].size(), 3u);
  auto table = cli({"schedule", "list"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("OWNER"), std::string::npos);
  EXPECT_NE(table.out.find("NEXT (UTC)"), std::string::npos);
  EXPECT_NE(table.out.find("patch-tuesday"), std::string::npos);

  // Preview by flags: the second Tuesday + 4 days of each month; JSON carries offsets.
  json preview = cli_json({"schedule", "preview", "--monthly", "--nth", "2", "--weekday", "tue",
                           "--delay", "4", "--at", "03:00", "--tz", "Europe/Berlin", "--start",
                           "2030-01-01", "--next", "2"});
  ASSERT_EQ(preview["next"].size(), 2u);
  EXPECT_EQ(preview["next"][0]["local"], "2030-01-12T03:00:00+01:00");  // Tue 8 Jan + 4
  EXPECT_EQ(preview["next"][1]["local"], "2030-02-16T03:00:00+01:00");  // Tue 12 Feb + 4
  json by_id = cli_json({"schedule", "preview", "patch-tuesday", "--next", "1"});
  EXPECT_EQ(by_id["next"].size(), 1u);

  ASSERT_EQ(cli({"schedule", "edit", "patch-tuesday", "--at", "04:30"}).exit_code, 0);
  EXPECT_EQ(cli_json({"schedule", "list"})["schedules"][0]["recurrence"]["time_of_day"], "04:30");
  json then = cli_json({"schedule", "list", "--as-of", std::to_string(after_add)});
  EXPECT_EQ(then["schedules"][0]["recurrence"]["time_of_day"], "03:00");

  auto run = cli({"schedule", "run", "patch-tuesday", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json started = json::parse(run.out)["started"];
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0]["schedule"], "patch-tuesday");

  ASSERT_EQ(cli({"schedule", "delete", "patch-tuesday"}).exit_code, 0);
  EXPECT_EQ(cli_json({"schedule", "list"})["schedules"].size(), 0u);
}

TEST_F(CliRegistryTest, BadInputIsOneLineAndLeavesTheLogUnchanged) {
  ASSERT_EQ(cli({"server", "add", "east-1", "--path", dir_.sub("share1")}).exit_code, 0);
  const std::uint64_t before = head();
  const std::vector<std::string> base = {"schedule", "add",         "--server",
                                         "east-1",   "--component", "all"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  const std::vector<std::vector<std::string>> bad = {
      with({"--once", "2031-02-30", "--at", "03:00"}),                         // Feb 30
      with({"--monthly", "--nth", "5", "--weekday", "tue", "--at", "03:00"}),  // nth 5
      with({"--monthly", "--day", "1", "--delay", "32", "--at", "03:00"}),     // delay 32
      with({"--weekly", "--on", "mon,funday", "--at", "03:00"}),               // unknown weekday
      with({"--daily", "--at", "03:00", "--tz", "Mars/Olympus"}),              // unknown zone
      with({"--daily", "--at", "25:00"}),                                      // 25:00
      with({"--once", "2001-01-01", "--at", "03:00"}),                         // once in the past
      with({"--weekly", "--on", ",", "--at", "03:00"}),                        // empty weekdays
      with({"--weekly", "--at", "03:00"}),                                     // no weekdays
      with({"--daily", "--weekly", "--on", "mon", "--at", "03:00"}),           // two frequencies
      with({"--daily"}),                                                       // no --at
      with({"--monthly", "--nth", "second", "--weekday", "tue", "--at", "03:00"}),
      {"schedule", "add", "--server", "nowhere", "--daily", "--at", "03:00"},  // no such server
      {"schedule", "edit", "no-such-id", "--at", "03:00"},
      {"schedule", "run", "no-such-id"},
      {"server", "add", "east-1", "--path", dir_.sub("again")},  // name in use
      {"server", "add", "east-3", "--path", dir_.sub("x"), "--bandwidth", "fast"},
      {"server", "add", "east-3", "--path", dir_.sub("x"), "--bandwidth", "99999999999G"},
      {"server", "add", "east-3", "--path", dir_.sub("x"), "--max-parallel", "65"},
      {"server", "add", "east-3", "--path", dir_.sub("x"), "--dir", "movies=M"},
      {"server", "add", "east-3"},  // no --path
      {"server", "edit", "nobody", "--disable"},
      {"server", "remove", "nobody"},
      {"server", "list", "--as-of", "last tuesday"},
  };
  for (const auto& args : bad) {
    auto r = cli(args);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 2)
        << joined << "=> " << r.exit_code << " " << r.err;
    EXPECT_TRUE(one_line_error(r)) << joined << "=> '" << r.err << "'";
  }
  EXPECT_EQ(head(), before);
  // Daemon refusals are failures (1); malformed flags are usage errors (2).
  EXPECT_EQ(cli(with({"--daily", "--at", "25:00"})).exit_code, 1);
  EXPECT_EQ(cli(with({"--daily"})).exit_code, 2);
  EXPECT_EQ(
      cli({"server", "add", "east-3", "--path", dir_.sub("x"), "--bandwidth", "fast"}).exit_code,
      2);
  EXPECT_NE(cli(with({"--once", "2031-02-30", "--at", "03:00"})).err.find("2031-02-30"),
            std::string::npos);
}

}  // namespace
}  // namespace distsync::testing
