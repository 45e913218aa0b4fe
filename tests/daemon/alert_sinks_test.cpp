// The alerter's pure decisions (alert_policy.h) and its two sinks against real receivers: a
// child process for command hooks, and a loopback port that refuses connections for webhooks.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "daemon/alerts/alert_policy.h"
#include "daemon/alerts/alert_sinks.h"
#include "daemon/alerts/header_file.h"
#include "tests/support/free_port.h"
#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

AlertRule rule(std::vector<std::string> events) {
  AlertRule r;
  r.name = "r";
  r.events = std::move(events);
  r.command = {"/bin/true"};
  return r;
}

TEST(AlertPolicyTest, OnlyNamedTypesAndOnlyValidationsThatFoundSomething) {
  AlertRule r = rule({"SyncFailed", "ValidationCompleted"});
  Event failed;
  failed.payload = SyncFailed{};
  EXPECT_TRUE(alert_wanted(r, failed));
  Event done;
  done.payload = SyncCompleted{};
  EXPECT_FALSE(alert_wanted(r, done));
  Event clean;
  clean.payload = ValidationCompleted{"s", "all", "cli", 10, 0, 0, 3, {}, {}, ""};
  EXPECT_FALSE(alert_wanted(r, clean)) << "extra files alone are not an alert";
  Event bad = clean;
  std::get<ValidationCompleted>(bad.payload).missing = 1;
  EXPECT_TRUE(alert_wanted(r, bad));
  Event unreadable = clean;
  std::get<ValidationCompleted>(unreadable.payload).error = "share offline";
  EXPECT_TRUE(alert_wanted(r, unreadable));
}

TEST(AlertPolicyTest, BackoffDoublesUpToFiveMinutes) {
  AlertRule r = rule({"SyncFailed"});
  r.backoff_ms = 1000;
  EXPECT_EQ(retry_delay_ms(r, 1), 1000);
  EXPECT_EQ(retry_delay_ms(r, 2), 2000);
  EXPECT_EQ(retry_delay_ms(r, 4), 8000);
  EXPECT_EQ(retry_delay_ms(r, 60), 300000);
}

TEST(AlertPolicyTest, BodyCarriesRuleConsoleAndTheEvent) {
  Event e;
  e.seq = 42;
  e.console = "east";
  e.correlation = "job-1";
  e.payload = SyncFailed{};
  auto body = nlohmann::json::parse(alert_body(rule({"SyncFailed"}), "east", e));
  EXPECT_EQ(body["alert"], "r");
  EXPECT_EQ(body["console"], "east");
  EXPECT_EQ(body["event"]["seq"], 42);
  EXPECT_EQ(body["event"]["type"], "SyncFailed");
  EXPECT_EQ(body["event"]["correlation"], "job-1");
}

TEST(CommandHookTest, StdinExitCodeAndTimeout) {
  testing::TempDir dir;
  const std::string out = dir.sub("stdin.txt");
  AttemptOutcome ok =
      run_command_hook({"/bin/sh", "-c", "cat > \"$0\"", out}, "{\"x\":1}\n", 10000, nullptr);
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.status, "exit 0");
  std::ifstream in(out);
  std::string got((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(got, "{\"x\":1}\n");

  AttemptOutcome three = run_command_hook({"/bin/sh", "-c", "exit 3"}, "", 10000, nullptr);
  EXPECT_FALSE(three.ok);
  EXPECT_EQ(three.status, "exit 3");

  // A hook that ignores stdin and hangs is killed with its children at the timeout.
  AttemptOutcome hung =
      run_command_hook({"/bin/sh", "-c", "sleep 60 & wait"}, std::string(1 << 20, 'x'), 200, nullptr);
  EXPECT_FALSE(hung.ok);
  EXPECT_EQ(hung.status, "timed out after 200 ms");

  std::atomic<bool> stop{true};
  EXPECT_EQ(run_command_hook({"/bin/sleep", "60"}, "", 60000, &stop).status, "stopped");
  EXPECT_EQ(run_command_hook({"/nonexistent/hook"}, "", 10000, nullptr).status, "exit 127");
}

TEST(WebhookTest, ARefusedConnectionIsAFailedAttempt) {
  // A port that was free a moment ago: bound, then closed, so nothing listens on it.
  const int port = testing::free_port();
  ASSERT_NE(port, 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/x";
  AttemptOutcome r = post_webhook(url, {}, "{}", 2000, nullptr);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.status.empty());
  EXPECT_EQ(r.status.find("HTTP"), std::string::npos) << r.status;
}

TEST(HeaderFileTest, LinesAreHeadersAndErrorsNeverEchoThem) {
  testing::TempDir dir;
  const std::string path = dir.sub("headers");
  std::ofstream(path) << "# comment\n\nAuthorization: Bearer t0ken\nX-Team: dist\r\n";
  auto h = read_header_file(path);
  ASSERT_TRUE(h.ok()) << h.status().to_string();
  EXPECT_EQ(*h, (std::vector<std::string>{"Authorization: Bearer t0ken", "X-Team: dist"}));
  std::ofstream(path) << "Authorization: Bearer t0ken\nBearer t0ken-without-a-name\n";
  auto bad = read_header_file(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "headers_file " + path + " line 2 is not a 'Name: value' header");
  EXPECT_FALSE(read_header_file(dir.sub("missing")).ok());
}

}  // namespace
}  // namespace distsync
