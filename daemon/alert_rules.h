// AlertRule: one `[[alerts]]` table of the config file: which event types to tell someone
// about, and how (a webhook POST or a command hook), with its timeout and retry budget.
//
// Rules are value types checked at config load: an unknown key or event type, a rule with
// neither or both of `webhook` and `command`, or a webhook URL that carries a credential
// (user:pass@, or a query parameter named like a secret) is refused with one line naming the
// key and the cause; a secret belongs in `headers_file`, which is read only at delivery time
// and never echoed (docs/alerts.md). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/status.h"

namespace distsync {

struct AlertRule {
  std::string name;                 // unique among the rules; names the rule in alerts.status
  std::vector<std::string> events;  // event types (events/catalog.h), at least one
  std::string webhook;              // http:// or https:// URL without credentials, or empty
  std::string headers_file;         // "Name: value" lines added to each POST (webhook only)
  std::vector<std::string> command;  // argv of the command hook (event JSON on stdin), or empty
  std::int64_t timeout_ms = 5000;    // per attempt
  int max_attempts = 5;              // attempts per alert, the first included
  std::int64_t backoff_ms = 1000;    // wait before the 2nd attempt; doubles, at most 5 minutes
  bool operator==(const AlertRule&) const = default;

  bool is_webhook() const { return !webhook.empty(); }
};

// ok, or invalid_argument naming why `url` may not be a webhook (not http(s), no host, a
// user or password in it, a query parameter such as token=, key=, secret=, sig=).
Status check_webhook_url(std::string_view url);

// Checks one rule as a whole (names, events, sinks, ranges); the message names the field.
Status check_alert_rule(const AlertRule& rule);

}  // namespace distsync
