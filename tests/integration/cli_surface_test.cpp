// The distsync CLI as a user runs it, against a real distsyncd.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/daemon_harness.h"
#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

using nlohmann::json;
using testing::ChildProcess;
using testing::DaemonHarness;
using testing::TempDir;
using namespace std::chrono_literals;

testing::CommandResult cli(const TempDir& dir, std::vector<std::string> args) {
  return testing::run_command(DaemonHarness::cli_path(), args, dir.path());
}

TEST(CliSurfaceTest, StatusFindsTheOnlyRunningConsole) {
  TempDir dir;
  DaemonHarness d(dir.sub("data"), "east");
  ASSERT_TRUE(d.ready()) << d.process().stderr_text();
  auto r = cli(dir, {"--data-dir", dir.sub("data"), "status", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json status = json::parse(r.out);
  EXPECT_EQ(status["console_id"], "east");
  EXPECT_EQ(status["last_seq"], 1);

  auto table = cli(dir, {"status", "--data-dir", dir.sub("data")});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("console_id"), std::string::npos);
  EXPECT_NE(table.out.find("east"), std::string::npos);
}

TEST(CliSurfaceTest, SeveralConsolesNeedAChoice) {
  TempDir dir;
  DaemonHarness east(dir.sub("data"), "east");
  DaemonHarness west(dir.sub("data"), "west");
  ASSERT_TRUE(east.ready() && west.ready());
  auto r = cli(dir, {"--data-dir", dir.sub("data"), "status"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "distsync: several consoles share " + dir.sub("data") +
                       " (east, west); pick one with --console\n");
  auto chosen = cli(dir, {"--data-dir", dir.sub("data"), "--console", "west", "--json", "status"});
  ASSERT_EQ(chosen.exit_code, 0) << chosen.err;
  EXPECT_EQ(json::parse(chosen.out)["console_id"], "west");
}

TEST(CliSurfaceTest, NoDaemonIsAOneLineFailure) {
  TempDir dir;
  auto r = cli(dir, {"--data-dir", dir.sub("data"), "--console", "east", "status"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is it running?"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
}

TEST(CliSurfaceTest, UsageErrorsExitTwo) {
  TempDir dir;
  for (std::vector<std::string> args : {std::vector<std::string>{},
                                        {"--no-such-flag", "status"},
                                        {"no-such-command"},
                                        {"events", "tail", "--from", "x"},
                                        {"--timeout", "-1", "status"}}) {
    auto r = cli(dir, args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err.rfind("distsync: ", 0), 0u) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
  }
  auto help = cli(dir, {"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("events"), std::string::npos);
}

// History over control, then live events over the bus, including events appended by other
// daemon processes sharing the data dir.
TEST(CliSurfaceTest, EventsTailCatchesUpThenFollowsLive) {
  TempDir dir;
  std::string data = dir.sub("data");
  {
    DaemonHarness earlier(data, "east");
    ASSERT_TRUE(earlier.ready());
    ASSERT_EQ(earlier.terminate(), 0);
  }
  DaemonHarness east(data, "east");
  ASSERT_TRUE(east.ready()) << east.process().stderr_text();

  auto history = cli(dir, {"--data-dir", data, "events", "tail", "--from", "1"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  std::istringstream lines(history.out);
  std::string line;
  std::vector<std::string> got;
  while (std::getline(lines, line)) got.push_back(line);
  ASSERT_EQ(got.size(), 2u) << history.out;
  EXPECT_EQ(got[0].rfind("1 ", 0), 0u);
  EXPECT_NE(got[1].find(" east ConsoleStarted -"), std::string::npos) << got[1];

  ChildProcess tail(DaemonHarness::cli_path(),
                    {"--data-dir", data, "--console", "east", "--json", "events", "tail", "--from",
                     "1", "--follow", "--limit", "4"},
                    dir.sub("tail.err"));
  for (std::uint64_t seq : {1, 2}) {
    auto l = tail.read_line(20s);
    ASSERT_TRUE(l) << tail.stderr_text();
    EXPECT_EQ(json::parse(*l)["seq"], seq);
  }
  {
    DaemonHarness west(data, "west");  // appends seq 3 from another process
    ASSERT_TRUE(west.ready());
    auto l = tail.read_line(20s);
    ASSERT_TRUE(l) << tail.stderr_text();
    json e = json::parse(*l);
    EXPECT_EQ(e["seq"], 3);
    EXPECT_EQ(e["console"], "west");
    EXPECT_EQ(e["type"], "ConsoleStarted");
  }
  DaemonHarness south(data, "south");
  ASSERT_TRUE(south.ready());
  auto l = tail.read_line(20s);
  ASSERT_TRUE(l) << tail.stderr_text();
  EXPECT_EQ(json::parse(*l)["seq"], 4);
  EXPECT_EQ(json::parse(*l)["console"], "south");
  EXPECT_EQ(tail.wait_exit(20s), 0) << tail.stderr_text();
}

}  // namespace
}  // namespace distsync
