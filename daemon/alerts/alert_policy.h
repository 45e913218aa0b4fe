// What the alerter decides without touching the world: whether an event is worth an alert
// under a rule, the JSON a receiver gets, and when a failed delivery is tried again. Pure;
// thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "daemon/alert_rules.h"
#include "events/event.h"

namespace distsync {

// True when `rule` names the event's type, and for ValidationCompleted only when the
// validation found something wrong (mismatched or missing files, or an error reading the
// server): a clean validation is not news.
bool alert_wanted(const AlertRule& rule, const Event& event);

// The body POSTed to a webhook and written to a command hook's stdin, one line:
// {"alert": rule name, "console": console id, "event": the event's JSON (events/codec.h)}.
std::string alert_body(const AlertRule& rule, const std::string& console, const Event& event);

// Milliseconds to wait after the attempt numbered `attempts` (1 = the first) failed:
// backoff_ms doubled per attempt after the first, at most 5 minutes.
std::int64_t retry_delay_ms(const AlertRule& rule, int attempts);

}  // namespace distsync
