// distsyncd under a service manager, edge by edge, with the build's binary: no READY=1 when
// the control endpoint cannot be bound, WATCHDOG=1 when the unit sets WatchdogSec, and log
// lines without time stamps only when stderr is journald's stream.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>

#include "tests/install/install_test_support.h"
#include "tests/install/notify_socket.h"
#include "tests/support/temp_dir.h"

namespace distsync::testing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

TEST(ServiceNotifyTest, NoReadyWhenTheControlEndpointCannotBeBound) {
  TempDir tmp;
  { std::ofstream(tmp.sub("file")) << "not a directory\n"; }
  NotifySocket notify(tmp.sub("notify.sock"));
  ChildProcess daemon(DISTSYNCD_PATH,
                      {"--data-dir", tmp.sub("data"), "--console", "c1", "--control",
                       "ipc://" + tmp.sub("file") + "/c1.control"},
                      tmp.sub("distsyncd.err"), {notify.env()});
  EXPECT_EQ(daemon.wait_exit(30s), 1);
  EXPECT_NE(daemon.stderr_text().find("cannot create socket dir"), std::string::npos)
      << daemon.stderr_text();
  // The daemon has exited: whatever it sent is queued already.
  while (auto msg = notify.pending()) {
    EXPECT_FALSE(NotifySocket::has_field(*msg, "READY=1")) << *msg;
  }
}

TEST(ServiceNotifyTest, WatchdogPingsWhenWatchdogSecIsSet) {
  TempDir tmp;
  NotifySocket notify(tmp.sub("notify.sock"));
  // WATCHDOG_USEC as systemd sets it for WatchdogSec=0.2s; no WATCHDOG_PID, so any pid.
  ChildProcess daemon(DISTSYNCD_PATH, {"--data-dir", tmp.sub("data"), "--console", "c1"},
                      tmp.sub("distsyncd.err"), {notify.env(), "WATCHDOG_USEC=200000"});
  ASSERT_TRUE(notify.next_with("READY=1", 30s).has_value()) << daemon.stderr_text();
  // Two pings, so the control loop pings again after its first one.
  EXPECT_TRUE(notify.next_with("WATCHDOG=1", 30s).has_value());
  EXPECT_TRUE(notify.next_with("WATCHDOG=1", 30s).has_value());
  daemon.signal(SIGTERM);
  EXPECT_TRUE(notify.next_with("STOPPING=1", 30s).has_value());
  EXPECT_EQ(daemon.wait_exit(30s), 0) << daemon.stderr_text();
}

// Starts the daemon with stderr to `err_path` and `env`, waits for READY, stops it, and
// returns its stderr lines.
std::vector<std::string> daemon_log_lines(TempDir& tmp, const std::string& name,
                                          const std::string& err_path,
                                          std::vector<std::string> env) {
  NotifySocket notify(tmp.sub(name + ".sock"));
  env.push_back(notify.env());
  ChildProcess daemon(DISTSYNCD_PATH,
                      {"--data-dir", tmp.sub("data"), "--console", "c1", "--log-level", "info"},
                      err_path, env);
  EXPECT_TRUE(notify.next_with("READY=1", 30s).has_value()) << daemon.stderr_text();
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait_exit(30s), 0) << daemon.stderr_text();
  return lines_of(daemon.stderr_text());
}

TEST(ServiceNotifyTest, JournalStreamDropsTheDaemonsOwnTimestamps) {
  TempDir tmp;
  const std::string err_path = tmp.sub("journal.err");
  { std::ofstream(err_path) << ""; }
  struct stat st = {};
  ASSERT_EQ(stat(err_path.c_str(), &st), 0);
  const std::string stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);

  // stderr is the stream JOURNAL_STREAM names: a syslog priority, the level, no time stamp.
  auto journal = daemon_log_lines(tmp, "journal", err_path, {"JOURNAL_STREAM=" + stream});
  ASSERT_FALSE(journal.empty());
  const std::regex journal_line(R"(^<[0-7]>\[(trace|debug|info|warning|error|critical)\] .+)");
  for (const std::string& line : journal) EXPECT_TRUE(std::regex_match(line, journal_line)) << line;
  bool started = false;
  for (const std::string& line : journal) started |= line.rfind("<6>[info] console c1 started", 0) == 0;
  EXPECT_TRUE(started) << journal.front();

  // JOURNAL_STREAM inherited by a process whose stderr is elsewhere: nothing changes.
  auto elsewhere =
      daemon_log_lines(tmp, "file", tmp.sub("file.err"), {"JOURNAL_STREAM=" + stream + "0"});
  ASSERT_FALSE(elsewhere.empty());
  const std::regex stamped_line(R"(^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[distsyncd\] .+)");
  for (const std::string& line : elsewhere) EXPECT_TRUE(std::regex_match(line, stamped_line)) << line;
}

}  // namespace
}  // namespace distsync::testing
