// Alerts over the real daemon: a webhook rule whose loopback receiver (alert_receiver.py)
// fails the first two POSTs gets the SyncFailed alert on the third try, with the
// Authorization header of its headers_file, and `distsync alerts status` shows the attempts;
// a command hook reads the alert on stdin, and one that hangs is killed at its timeout and
// retried while the daemon keeps syncing; a webhook URL with credentials in it stops the
// daemon at config load with one line; a delivery queued before a SIGTERM or a SIGKILL is
// delivered after the restart, once. Waits poll with deadlines; nothing is timed.
#include <fstream>

#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

constexpr const char* kSecret = "s3cr3t-hook-token";

std::vector<json> read_json_lines(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

class AlertsTest : public SyncDaemonFixture {
 protected:
  // A server whose root lies under a regular file: its preflight fails, so its sync fails.
  std::string fail_a_sync() {
    if (!fs::exists(dir_.sub("not-a-folder"))) {
      std::ofstream(dir_.sub("not-a-folder")) << "a file\n";
      EXPECT_EQ(cli({"server", "add", "broken", "--path", dir_.sub("not-a-folder/share")})
                    .exit_code,
                0);
    }
    auto r = cli({"sync", "broken", "--wait"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    std::string job = r.out.substr(5, r.out.find(' ', 5) - 5);  // "sync <job> for broken queued"
    EXPECT_FALSE(await_job_events(job, "SyncFailed").empty()) << r.out;
    return job;
  }

  // alerts.status through the CLI (--json), polled until `done` holds or 60 s pass.
  json await_alerts(const std::function<bool(const json&)>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    json last;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = cli({"alerts", "status", "--json"});
      EXPECT_EQ(r.exit_code, 0) << r.err;
      if (r.exit_code != 0) return last;
      last = json::parse(r.out);
      if (done(last)) return last;
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "alerts did not reach the expected state; last: " << last.dump();
    return last;
  }

  static const json* delivery_of(const json& status, const std::string& rule) {
    for (const json& d : status["deliveries"]) {
      if (d.value("rule", "") == rule) return &d;
    }
    return nullptr;
  }

  static bool finished(const json& status, const std::string& rule) {
    const json* d = delivery_of(status, rule);
    return d != nullptr && (d->value("state", "") == "delivered" || d->value("state", "") == "failed");
  }
};

class WebhookAlertTest : public AlertsTest {
 protected:
  void SetUp() override {
    receiver_log_ = dir_.sub("receiver.jsonl");
    receiver_ = std::make_unique<ChildProcess>(
        "/usr/bin/env",
        std::vector<std::string>{"python3",
                                 std::string(DISTSYNC_SOURCE_DIR) + "/tests/features/alert_receiver.py",
                                 "--log", receiver_log_, "--fail", "2"},
        dir_.sub("receiver.err"));
    auto port = receiver_->read_line(20s);
    ASSERT_TRUE(port.has_value()) << receiver_->stderr_text();
    port_ = *port;
    std::ofstream(dir_.sub("alert-headers")) << "# the receiver's token\nAuthorization: Bearer "
                                             << kSecret << "\n";
    SyncDaemonFixture::SetUp();
  }

  std::string extra_toml() override {
    return "[[alerts]]\n"
           "name = \"ops-webhook\"\n"
           "events = [\"SyncFailed\", \"DownloadFailed\", \"ScheduleMissed\", "
           "\"ValidationCompleted\"]\n"
           "webhook = \"http://127.0.0.1:" + port_ + "/distsync\"\n"
           "headers_file = \"" + dir_.sub("alert-headers") + "\"\n"
           "timeout_ms = 5000\n"
           "max_attempts = 5\n"
           "backoff_ms = 100\n";
  }

  std::string receiver_log_;
  std::string port_;
  std::unique_ptr<ChildProcess> receiver_;
};

TEST_F(WebhookAlertTest, DeliveredOnTheThirdTryAndShownByAlertsStatus) {
  const std::string job = fail_a_sync();
  json status = await_alerts([](const json& s) { return finished(s, "ops-webhook"); });
  const json* d = delivery_of(status, "ops-webhook");
  ASSERT_NE(d, nullptr) << status.dump();
  EXPECT_EQ(d->value("state", ""), "delivered") << status.dump();
  EXPECT_EQ(d->value("attempts", 0), 3);
  EXPECT_EQ(d->value("max_attempts", 0), 5);
  EXPECT_EQ(d->value("last_status", ""), "HTTP 200");
  EXPECT_EQ(d->value("event_type", ""), "SyncFailed");
  EXPECT_EQ(d->value("correlation", ""), job);
  EXPECT_EQ(d->value("next_attempt_us", std::int64_t{-1}), 0);

  // The receiver saw three POSTs of the same alert, each with the header file's token.
  std::vector<json> posts = read_json_lines(receiver_log_);
  ASSERT_EQ(posts.size(), 3u);
  for (std::size_t i = 0; i < posts.size(); ++i) {
    EXPECT_EQ(posts[i].value("status", 0), i < 2 ? 503 : 200);
    EXPECT_EQ(posts[i].value("authorization", ""), std::string("Bearer ") + kSecret);
    EXPECT_EQ(posts[i].value("content_type", ""), "application/json");
    EXPECT_EQ(posts[i]["body"].value("alert", ""), "ops-webhook");
    EXPECT_EQ(posts[i]["body"].value("console", ""), "east");
    EXPECT_EQ(posts[i]["body"]["event"].value("type", ""), "SyncFailed");
    EXPECT_EQ(posts[i]["body"]["event"].value("correlation", ""), job);
    EXPECT_EQ(posts[i]["body"]["event"].value("seq", 0), d->value("event_seq", 0));
  }

  // Every attempt is visible: the failed ones in the daemon's log, the last in the table.
  const std::string err = daemon_->process().stderr_text();
  EXPECT_NE(err.find("attempt 1 of 5 failed: HTTP 503"), std::string::npos) << err;
  EXPECT_NE(err.find("attempt 2 of 5 failed: HTTP 503"), std::string::npos) << err;
  auto table = cli({"alerts", "status"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("ops-webhook"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("delivered"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("3/5"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("HTTP 200"), std::string::npos) << table.out;

  // The token never reaches the daemon's log, a reply or the event log.
  EXPECT_EQ(err.find(kSecret), std::string::npos);
  EXPECT_EQ(table.out.find(kSecret), std::string::npos);
  EXPECT_EQ(cli({"alerts", "status", "--json"}).out.find(kSecret), std::string::npos);
  EXPECT_EQ(call("events.read", {{"from", 1}}).dump().find(kSecret), std::string::npos);
}

TEST_F(WebhookAlertTest, CleanValidationIsNotNewsButAMismatchIs) {
  const std::string share = dir_.sub("alpha");
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", share}).exit_code, 0);
  ASSERT_EQ(cli({"sync", "alpha", "--wait"}).exit_code, 0);
  ASSERT_EQ(cli({"validate", "alpha"}).exit_code, 0);
  // A corrupted copy on the server: the next validation finds it and is alerted.
  std::string victim;
  for (const auto& [rel, facts] : read_tree(share + "/Patches")) {
    victim = share + "/Patches/" + rel;
    break;
  }
  ASSERT_FALSE(victim.empty());
  std::ofstream(victim, std::ios::binary | std::ios::trunc) << "corrupted";
  EXPECT_EQ(cli({"validate", "alpha"}).exit_code, 1);
  json status = await_alerts([](const json& s) { return finished(s, "ops-webhook"); });
  ASSERT_EQ(status["deliveries"].size(), 1u) << status.dump();
  EXPECT_EQ(status["deliveries"][0].value("event_type", ""), "ValidationCompleted");
  EXPECT_EQ(status["deliveries"][0].value("state", ""), "delivered");
  std::vector<json> posts = read_json_lines(receiver_log_);
  ASSERT_FALSE(posts.empty());
  EXPECT_GE(posts.back()["body"]["event"]["payload"].value("mismatched", 0), 1);
}

class CommandHookAlertTest : public AlertsTest {
 protected:
  std::string extra_toml() override {
    return "[[alerts]]\n"
           "name = \"hook\"\n"
           "events = [\"SyncFailed\"]\n"
           "command = [\"/bin/sh\", \"-c\", \"cat > \\\"$0.tmp\\\" && mv \\\"$0.tmp\\\" \\\"$0\\\"\", \"" +
           dir_.sub("hook-stdin.json") + "\"]\n"
           "\n"
           "[[alerts]]\n"
           "name = \"slow-hook\"\n"
           "events = [\"SyncFailed\"]\n"
           "command = [\"/bin/sleep\", \"60\"]\n"
           "timeout_ms = 300\n"
           "max_attempts = 2\n"
           "backoff_ms = 100\n";
  }
};

TEST_F(CommandHookAlertTest, EventJsonOnStdinAndAHangingHookTimesOut) {
  const std::string job = fail_a_sync();
  // While the slow hook is being retried the daemon keeps working: a sync runs to its end.
  const std::string share = dir_.sub("alpha");
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", share}).exit_code, 0);
  EXPECT_EQ(cli({"sync", "alpha", "--wait"}).exit_code, 0);

  json status = await_alerts(
      [](const json& s) { return finished(s, "hook") && finished(s, "slow-hook"); });
  const json* hook = delivery_of(status, "hook");
  const json* slow = delivery_of(status, "slow-hook");
  ASSERT_NE(hook, nullptr);
  ASSERT_NE(slow, nullptr);
  EXPECT_EQ(hook->value("state", ""), "delivered");
  EXPECT_EQ(hook->value("kind", ""), "command");
  EXPECT_EQ(hook->value("attempts", 0), 1);
  EXPECT_EQ(hook->value("last_status", ""), "exit 0");
  EXPECT_EQ(slow->value("state", ""), "failed");
  EXPECT_EQ(slow->value("attempts", 0), 2);
  EXPECT_EQ(slow->value("last_status", ""), "timed out after 300 ms");

  std::ifstream in(dir_.sub("hook-stdin.json"));
  ASSERT_TRUE(in.good());
  json got = json::parse(in);
  EXPECT_EQ(got.value("alert", ""), "hook");
  EXPECT_EQ(got["event"].value("type", ""), "SyncFailed");
  EXPECT_EQ(got["event"].value("correlation", ""), job);
  EXPECT_EQ(read_tree(share), expected_server_tree());
}

// Alerts across a restart: a receiver that fails every POST, then one that accepts. The
// delivery queued before the stop (SIGTERM) or the crash (SIGKILL) is delivered after the
// restart, attempts continuing, exactly once to the accepting receiver.
class AlertRestartTest : public AlertsTest {
 protected:
  void SetUp() override {
    start_receiver(/*fail=*/1000000);
    SyncDaemonFixture::SetUp();
  }

  // A new receiver (the old one is killed) and a config pointing the rule at it.
  void start_receiver(int fail) {
    receiver_.reset();
    receiver_log_ = dir_.sub("receiver-" + std::to_string(++receivers_) + ".jsonl");
    receiver_ = std::make_unique<ChildProcess>(
        "/usr/bin/env",
        std::vector<std::string>{"python3",
                                 std::string(DISTSYNC_SOURCE_DIR) + "/tests/features/alert_receiver.py",
                                 "--log", receiver_log_, "--fail", std::to_string(fail)},
        dir_.sub("receiver.err"));
    auto port = receiver_->read_line(20s);
    ASSERT_TRUE(port.has_value()) << receiver_->stderr_text();
    port_ = *port;
    if (!console_.empty()) {  // after SetUp: rewrite the config SyncDaemonFixture wrote
      std::ofstream cfg(config_path(), std::ios::trunc);
      cfg << "patches_dir = \"" << console_ << "/Patches\"\n"
          << "datafiles_dir = \"" << console_ << "/DataFiles\"\n"
          << extra_toml();
    }
  }

  std::string extra_toml() override {
    return "[[alerts]]\n"
           "name = \"ops-webhook\"\n"
           "events = [\"SyncFailed\"]\n"
           "webhook = \"http://127.0.0.1:" + port_ + "/distsync\"\n"
           "timeout_ms = 5000\n"
           "max_attempts = 30\n"
           "backoff_ms = 100\n";
  }

  std::string state_path() { return dir_.sub("data/alerts-east.json"); }

  std::string receiver_log_;
  std::string port_;
  int receivers_ = 0;
  std::unique_ptr<ChildProcess> receiver_;
};

TEST_F(AlertRestartTest, RetryingDeliverySurvivesSigtermAndIsDeliveredOnce) {
  const std::string job = fail_a_sync();
  json before = await_alerts([](const json& s) {
    const json* d = delivery_of(s, "ops-webhook");
    return d != nullptr && d->value("attempts", 0) >= 2;
  });
  const json* d = delivery_of(before, "ops-webhook");
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(d->value("state", ""), "retrying") << before.dump();
  const std::string id = d->value("id", "");
  const std::uint64_t seq = d->value("event_seq", std::uint64_t{0});
  ASSERT_EQ(daemon_->terminate(), 0);

  // The state file: 0600, the unfinished delivery in it.
  struct stat st {};
  ASSERT_EQ(::stat(state_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream file(state_path());
  json saved = json::parse(file, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(saved.is_object());
  ASSERT_EQ(saved["deliveries"].size(), 1u) << saved.dump();
  EXPECT_EQ(saved["deliveries"][0].value("id", ""), id);
  const int attempts_before = saved["deliveries"][0].value("attempts", 0);
  EXPECT_GE(attempts_before, 2);
  std::vector<json> failed_posts = read_json_lines(receiver_log_);
  ASSERT_GE(failed_posts.size(), 2u);
  for (const json& p : failed_posts) EXPECT_EQ(p.value("status", 0), 503);

  start_receiver(/*fail=*/0);
  start_daemon();
  json after = await_alerts([](const json& s) { return finished(s, "ops-webhook"); });
  d = delivery_of(after, "ops-webhook");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->value("state", ""), "delivered") << after.dump();
  EXPECT_EQ(d->value("id", ""), id);
  EXPECT_EQ(d->value("event_seq", std::uint64_t{0}), seq);
  EXPECT_EQ(d->value("correlation", ""), job);
  EXPECT_EQ(d->value("attempts", 0), attempts_before + 1) << after.dump();
  EXPECT_EQ(d->value("last_status", ""), "HTTP 200");
  std::vector<json> posts = read_json_lines(receiver_log_);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0]["body"]["event"].value("seq", std::uint64_t{0}), seq);

  // Once delivered it is not sent again: after another restart it is shown as delivered
  // (the state file keeps the newest finished deliveries), a new failure is delivered, and
  // the receiver has seen the old one once only (due first, it would have come first).
  ASSERT_EQ(daemon_->terminate(), 0);
  start_daemon();
  json shown = call("alerts.status");
  ASSERT_EQ(shown["deliveries"].size(), 1u) << shown.dump();
  EXPECT_EQ(shown["deliveries"][0].value("id", ""), id);
  EXPECT_EQ(shown["deliveries"][0].value("state", ""), "delivered");
  EXPECT_EQ(shown["deliveries"][0].value("correlation", ""), job);
  EXPECT_EQ(shown["deliveries"][0].value("last_status", ""), "HTTP 200");
  const std::string job2 = fail_a_sync();
  after = await_alerts([&job2](const json& s) {
    for (const json& d : s["deliveries"]) {
      if (d.value("correlation", "") == job2 && d.value("state", "") == "delivered") return true;
    }
    return false;
  });
  ASSERT_EQ(after["deliveries"].size(), 2u) << after.dump();
  d = &after["deliveries"][1];
  EXPECT_EQ(d->value("state", ""), "delivered") << after.dump();
  EXPECT_EQ(d->value("correlation", ""), job2);
  EXPECT_NE(d->value("id", ""), id);  // ids go on across restarts
  posts = read_json_lines(receiver_log_);
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[0]["body"]["event"].value("seq", std::uint64_t{0}), seq);
  EXPECT_EQ(posts[1]["body"]["event"].value("correlation", ""), job2);
}

TEST_F(AlertRestartTest, FailureAppendedJustBeforeSigkillIsDeliveredAfterRestart) {
  const std::string job = fail_a_sync();
  kill_daemon();  // the alerter may or may not have looked at the SyncFailed yet
  start_receiver(/*fail=*/0);
  start_daemon();
  const std::vector<json> failed = job_events(job, "SyncFailed");
  ASSERT_EQ(failed.size(), 1u);
  const std::uint64_t seq = failed[0].value("seq", std::uint64_t{0});
  json after = await_alerts([](const json& s) { return finished(s, "ops-webhook"); });
  const json* d = delivery_of(after, "ops-webhook");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->value("state", ""), "delivered") << after.dump();
  EXPECT_EQ(d->value("event_seq", std::uint64_t{0}), seq);
  std::vector<json> posts = read_json_lines(receiver_log_);
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].value("status", 0), 200);
  EXPECT_EQ(posts[0]["body"]["event"].value("correlation", ""), job);
}

TEST_F(AlertRestartTest, CorruptStateFileIsOneWarnLineAndAlertingStartsAtTheHead) {
  const std::string job = fail_a_sync();
  await_alerts([](const json& s) { return delivery_of(s, "ops-webhook") != nullptr; });
  ASSERT_EQ(daemon_->terminate(), 0);
  std::ofstream(state_path(), std::ios::trunc) << "{\"format\": 1, \"cursor\": ";
  start_receiver(/*fail=*/0);
  start_daemon();
  const std::string err = daemon_->process().stderr_text();
  const std::string line = "alerts: " + state_path() + " is not a JSON object; alerting starts at";
  EXPECT_NE(err.find(line), std::string::npos) << err;
  EXPECT_EQ(err.find(line), err.rfind(line)) << err;  // one line
  // The daemon serves, the old delivery is not re-queued, and the file is sound again.
  EXPECT_TRUE(call("alerts.status")["deliveries"].empty());
  std::ifstream file(state_path());
  json saved = json::parse(file, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(saved.is_object());
  const std::vector<json> failed = job_events(job, "SyncFailed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_GE(saved.value("cursor", std::uint64_t{0}), failed[0].value("seq", std::uint64_t{0}));
  EXPECT_TRUE(saved["deliveries"].empty());
  EXPECT_TRUE(read_json_lines(receiver_log_).empty());
}

// Config refusals need no running daemon: distsyncd stops at load with one line.
class AlertConfigTest : public ::testing::Test {
 protected:
  CommandResult start_with(const std::string& alert_toml, const std::string& data = "data") {
    const std::string cfg = dir_.sub("distsyncd.toml");
    std::ofstream(cfg) << "[[alerts]]\nname = \"x\"\nevents = [\"SyncFailed\"]\n" << alert_toml;
    return run_command(DaemonHarness::daemon_path(),
                       {"--config", cfg, "--data-dir", dir_.sub(data), "--console", "east"},
                       dir_.path(), 20s);
  }
  TempDir dir_;
};

TEST_F(AlertConfigTest, WebhookWithCredentialsIsRefusedAtLoad) {
  struct Case {
    std::string toml, cause;
  };
  const Case cases[] = {
      {"webhook = \"https://ops:hunter2@hooks.example.test/x\"\n", "carries credentials"},
      {"webhook = \"https://hooks.example.test/x?channel=ops&token=hunter2\"\n",
       "credential in its query ('token=')"},
      {"webhook = \"ftp://hooks.example.test/x\"\n", "must be an http:// or https:// URL"},
      {"webhook = \"https://hooks.example.test/x\"\ncommand = [\"/bin/true\"]\n",
       "exactly one of 'webhook' and 'command'"},
      {"command = [\"/bin/true\"]\nevents_typo = 1\n", "unknown key 'events_typo'"},
  };
  for (const Case& c : cases) {
    CommandResult r = start_with(c.toml);
    EXPECT_NE(r.exit_code, 0) << c.toml;
    EXPECT_NE(r.err.find(c.cause), std::string::npos) << c.toml << " -> " << r.err;
    EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  // Refused before the log is opened: nothing was recorded.
  EXPECT_FALSE(fs::exists(dir_.sub("data/log/data.mdb")));

  // A headers_file that cannot be read stops the daemon at start too, naming the file only.
  CommandResult r = start_with("webhook = \"https://hooks.example.test/x\"\nheaders_file = \"" +
                               dir_.sub("missing-headers") + "\"\n", "data2");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("alert 'x': headers_file " + dir_.sub("missing-headers") + " cannot be read"),
            std::string::npos)
      << r.err;

  // The same webhook without the secret, its token in a header file, is accepted.
  std::ofstream(dir_.sub("headers")) << "Authorization: Bearer hunter2\n";
  std::ofstream(dir_.sub("ok.toml"))
      << "[[alerts]]\nname = \"x\"\nevents = [\"SyncFailed\"]\n"
      << "webhook = \"https://hooks.example.test/x?channel=ops\"\nheaders_file = \""
      << dir_.sub("headers") << "\"\n";
  DaemonHarness ok(dir_.sub("data3"), "east", {"--config", dir_.sub("ok.toml")});
  ASSERT_TRUE(ok.ready()) << ok.process().stderr_text();
  auto c = ControlClient::connect(ok.control_endpoint(), 10s);
  ASSERT_TRUE(c.ok());
  auto st = (*c)->call("alerts.status", nlohmann::json::object());
  ASSERT_TRUE(st.ok()) << st.status().to_string();
  ASSERT_EQ((*st)["rules"].size(), 1u);
  EXPECT_EQ((*st)["rules"][0].value("kind", ""), "webhook");
  EXPECT_EQ(st->dump().find("hunter2"), std::string::npos);
  EXPECT_EQ(st->dump().find("hooks.example.test"), std::string::npos);
  EXPECT_EQ(ok.terminate(), 0);
  EXPECT_EQ(ok.process().stderr_text().find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace distsync::testing
