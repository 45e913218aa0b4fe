#include "daemon/alert_rules.h"

#include <algorithm>
#include <cctype>

#include "events/catalog.h"

namespace distsync {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Query parameter names that carry a secret in the webhooks of common services.
bool secret_parameter(std::string_view name) {
  const std::string n = lower(name);
  for (std::string_view word :
       {"token", "key", "secret", "pass", "pwd", "auth", "sig", "cred", "session"}) {
    if (n.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

Status check_webhook_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return Status::invalid_argument("webhook must be an http:// or https:// URL");
  }
  const std::size_t authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return Status::invalid_argument(
        "webhook URL carries credentials (user:password@); secrets never go in the config or "
        "the log: put an Authorization header in headers_file instead");
  }
  if (authority.empty() || authority.front() == ':') {
    return Status::invalid_argument("webhook URL names no host");
  }
  if (const std::size_t q = rest.find('?'); q != std::string_view::npos) {
    std::string_view query = rest.substr(q + 1);
    query = query.substr(0, query.find('#'));
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      const std::string_view name = pair.substr(0, pair.find('='));
      if (secret_parameter(name)) {
        return Status::invalid_argument(
            "webhook URL carries a credential in its query ('" + std::string(name) +
            "='); secrets never go in the config or the log: put it in a header in "
            "headers_file instead");
      }
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }
  }
  return Status::ok();
}

Status check_alert_rule(const AlertRule& r) {
  if (r.name.empty()) return Status::invalid_argument("alert rule without a name");
  const std::string where = "alert '" + r.name + "': ";
  if (r.events.empty()) return Status::invalid_argument(where + "'events' names no event type");
  const auto& known = all_event_types();
  for (const std::string& e : r.events) {
    if (std::find(known.begin(), known.end(), e) == known.end()) {
      return Status::invalid_argument(where + "unknown event type '" + e +
                                      "' (docs/events.md lists them)");
    }
  }
  if (r.webhook.empty() == r.command.empty()) {
    return Status::invalid_argument(where + "needs exactly one of 'webhook' and 'command'");
  }
  if (!r.webhook.empty()) {
    if (Status s = check_webhook_url(r.webhook); !s.is_ok()) {
      return Status::invalid_argument(where + s.message());
    }
  } else if (!r.headers_file.empty()) {
    return Status::invalid_argument(where + "'headers_file' is for webhooks only");
  } else if (r.command.front().empty() || r.command.front().front() != '/') {
    return Status::invalid_argument(where + "'command' must start with an absolute path");
  }
  if (r.timeout_ms < 1 || r.timeout_ms > 300'000) {
    return Status::invalid_argument(where + "'timeout_ms' must be between 1 and 300000");
  }
  if (r.max_attempts < 1 || r.max_attempts > 100) {
    return Status::invalid_argument(where + "'max_attempts' must be between 1 and 100");
  }
  if (r.backoff_ms < 1 || r.backoff_ms > 3'600'000) {
    return Status::invalid_argument(where + "'backoff_ms' must be between 1 and 3600000");
  }
  return Status::ok();
}

}  // namespace distsync
