// Alert rules from the config: webhook URLs with credentials are refused with the cause, and
// [[alerts]] tables are read and checked by apply_toml (daemon/alert_rules_toml.h).
#include "daemon/alert_rules.h"

#include <gtest/gtest.h>

#include "daemon/config.h"

namespace distsync {
namespace {

TEST(AlertRulesTest, WebhookUrlsWithCredentialsAreRefused) {
  EXPECT_TRUE(check_webhook_url("https://hooks.example.test/distsync").is_ok());
  EXPECT_TRUE(check_webhook_url("http://127.0.0.1:8080/x?channel=ops&format=json").is_ok());
  EXPECT_TRUE(check_webhook_url("https://hooks.example.test/a@b").is_ok());  // '@' in the path
  auto message = [](std::string_view url) { return check_webhook_url(url).message(); };
  EXPECT_NE(message("https://u:p@hooks.example.test/x").find("carries credentials"),
            std::string::npos);
  EXPECT_NE(message("https://u@hooks.example.test/x").find("carries credentials"),
            std::string::npos);
  for (const char* q : {"token", "api_key", "Secret", "password", "sig", "access_token", "auth"}) {
    const std::string url = std::string("https://h.example.test/x?a=1&") + q + "=zzz";
    EXPECT_NE(message(url).find(std::string("('") + q + "=')"), std::string::npos) << url;
    EXPECT_EQ(message(url).find("zzz"), std::string::npos) << "the value is never echoed";
  }
  EXPECT_FALSE(check_webhook_url("ftp://h.example.test/x").is_ok());
  EXPECT_FALSE(check_webhook_url("https:///x").is_ok());
  EXPECT_FALSE(check_webhook_url("hooks.example.test/x").is_ok());
}

TEST(AlertRulesTest, TablesAreReadAndChecked) {
  auto c = apply_toml(default_config(), R"(
[[alerts]]
name = "web"
events = ["SyncFailed", "ValidationCompleted"]
webhook = "https://hooks.example.test/x"
headers_file = "/etc/distsync/alert-headers"
max_attempts = 3

[[alerts]]
name = "hook"
events = ["DownloadFailed"]
command = ["/usr/local/bin/notify", "--quiet"]
timeout_ms = 250
backoff_ms = 50
)",
                      "t.toml");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_EQ(c->alerts.size(), 2u);
  EXPECT_EQ(c->alerts[0].name, "web");
  EXPECT_TRUE(c->alerts[0].is_webhook());
  EXPECT_EQ(c->alerts[0].max_attempts, 3);
  EXPECT_EQ(c->alerts[0].timeout_ms, 5000);
  EXPECT_EQ(c->alerts[1].command, (std::vector<std::string>{"/usr/local/bin/notify", "--quiet"}));
  EXPECT_EQ(c->alerts[1].timeout_ms, 250);
  EXPECT_EQ(c->alerts[1].backoff_ms, 50);

  struct Case {
    const char* toml;
    const char* message;
  };
  const Case bad[] = {
      {"alerts = 3", "config t.toml: key 'alerts' must be an array of tables ([[alerts]])"},
      {"[[alerts]]\nevents=[\"SyncFailed\"]\ncommand=[\"/bin/true\"]",
       "config t.toml: alerts[0]: alert rule without a name"},
      {"[[alerts]]\nname=\"a\"\nevents=[\"SyncBlewUp\"]\ncommand=[\"/bin/true\"]",
       "config t.toml: alerts[0]: alert 'a': unknown event type 'SyncBlewUp' (docs/events.md "
       "lists them)"},
      {"[[alerts]]\nname=\"a\"\nevents=[\"SyncFailed\"]",
       "config t.toml: alerts[0]: alert 'a': needs exactly one of 'webhook' and 'command'"},
      {"[[alerts]]\nname=\"a\"\nevents=[\"SyncFailed\"]\ncommand=[\"notify\"]",
       "config t.toml: alerts[0]: alert 'a': 'command' must start with an absolute path"},
      {"[[alerts]]\nname=\"a\"\nevents=[\"SyncFailed\"]\ncommand=[\"/bin/true\"]\ntimeout_ms=0",
       "config t.toml: alerts[0]: alert 'a': 'timeout_ms' must be between 1 and 300000"},
      {"[[alerts]]\nname=\"a\"\nevents=[\"SyncFailed\"]\ncommand=[\"/bin/true\"]\nurl=\"x\"",
       "config t.toml: alerts[0]: unknown key 'url' (see docs/alerts.md)"},
      {"[[alerts]]\nname=\"a\"\nevents=[\"SyncFailed\"]\ncommand=[\"/bin/true\"]\n"
       "[[alerts]]\nname=\"a\"\nevents=[\"SyncFailed\"]\ncommand=[\"/bin/true\"]",
       "config t.toml: alerts[1]: a second rule named 'a'"},
  };
  for (const Case& b : bad) {
    auto r = apply_toml(default_config(), b.toml, "t.toml");
    ASSERT_FALSE(r.ok()) << b.toml;
    EXPECT_EQ(r.status().message(), b.message);
  }
}

}  // namespace
}  // namespace distsync
