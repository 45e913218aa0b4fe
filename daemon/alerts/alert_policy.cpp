#include "daemon/alerts/alert_policy.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "events/codec.h"

namespace distsync {

bool alert_wanted(const AlertRule& rule, const Event& event) {
  const std::string_view type = event.type();
  if (std::find(rule.events.begin(), rule.events.end(), type) == rule.events.end()) return false;
  if (const auto* v = event.as<ValidationCompleted>()) {
    return v->mismatched > 0 || v->missing > 0 || !v->error.empty();
  }
  return true;
}

std::string alert_body(const AlertRule& rule, const std::string& console, const Event& event) {
  nlohmann::json body{{"alert", rule.name},
                      {"console", console},
                      {"event", nlohmann::json::parse(to_json(event))}};
  return body.dump();
}

std::int64_t retry_delay_ms(const AlertRule& rule, int attempts) {
  constexpr std::int64_t kMaxDelayMs = 5 * 60 * 1000;
  std::int64_t delay = rule.backoff_ms;
  for (int i = 1; i < attempts && delay < kMaxDelayMs; ++i) delay *= 2;
  return std::min(delay, kMaxDelayMs);
}

}  // namespace distsync
