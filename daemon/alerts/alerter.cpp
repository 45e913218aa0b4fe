#include "daemon/alerts/alerter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <climits>

#include "daemon/alerts/alert_policy.h"
#include "daemon/alerts/alert_sinks.h"
#include "daemon/alerts/header_file.h"

namespace distsync {
namespace {

// The longest the thread sleeps between looks at the log and the queue (and so the longest
// stop() waits when no attempt is running).
constexpr std::int64_t kMaxWaitMs = 250;
constexpr std::size_t kReadBatch = 500;

bool finished(const AlertDelivery& d) { return d.state == "delivered" || d.state == "failed"; }

}  // namespace

Alerter::Alerter(EventLog& log, AlerterOptions options) : log_(log), options_(std::move(options)) {}

Result<std::unique_ptr<Alerter>> Alerter::create(EventLog& log, AlerterOptions options) {
  for (const AlertRule& r : options.rules) {
    if (Status s = check_alert_rule(r); !s.is_ok()) return s;
    if (!r.headers_file.empty()) {
      auto headers = read_header_file(r.headers_file);
      if (!headers.ok()) {
        return Status::invalid_argument("alert '" + r.name + "': " + headers.status().message());
      }
    }
  }
  if (!options.clock_us) {
    options.clock_us = [] {
      return std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  return std::unique_ptr<Alerter>(new Alerter(log, std::move(options)));
}

Alerter::~Alerter() { stop(); }

void Alerter::start() {
  if (options_.rules.empty() || thread_.joinable()) return;
  cursor_ = log_.last_seq();
  thread_ = std::thread([this] { loop(); });
}

void Alerter::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<AlertDelivery> Alerter::deliveries() const {
  MutexLock lock(&mu_);
  std::vector<AlertDelivery> out;
  out.reserve(entries_.size());
  for (const Entry& e : entries_) out.push_back(e.delivery);
  return out;
}

std::uint64_t Alerter::dropped() const {
  MutexLock lock(&mu_);
  return dropped_;
}

void Alerter::loop() {
  while (!stop_) {
    const std::uint64_t head = log_.last_seq();
    while (cursor_ < head && !stop_) {
      auto events = log_.read(cursor_ + 1, head, kReadBatch);
      if (!events.ok() || events->empty()) {
        spdlog::warn("alerts: cannot read the log after seq {}: {}", cursor_,
                     events.ok() ? "no events" : events.status().message());
        std::this_thread::sleep_for(std::chrono::milliseconds(kMaxWaitMs));  // then again
        break;
      }
      for (const Event& e : *events) {
        enqueue(e);
        cursor_ = e.seq;
      }
    }
    const std::int64_t now = options_.clock_us();
    if (attempt_due(now)) continue;
    const std::int64_t due = next_due_us();
    const std::int64_t wait_ms =
        due == INT64_MAX ? kMaxWaitMs : std::clamp<std::int64_t>((due - now) / 1000, 0, kMaxWaitMs);
    if (wait_ms > 0) log_.wait_for_append(cursor_, std::chrono::milliseconds(wait_ms));
  }
}

void Alerter::enqueue(const Event& event) {
  // Another console sharing the data dir alerts on its own events.
  if (event.console != options_.console) return;
  for (std::size_t i = 0; i < options_.rules.size(); ++i) {
    const AlertRule& rule = options_.rules[i];
    if (!alert_wanted(rule, event)) continue;
    MutexLock lock(&mu_);
    if (entries_.size() >= kMaxDeliveries) {
      auto old = std::find_if(entries_.begin(), entries_.end(),
                              [](const Entry& e) { return finished(e.delivery); });
      if (old == entries_.end()) {
        ++dropped_;
        spdlog::warn("alerts: {} alerts are waiting; dropped the {} alert of rule '{}' (seq {})",
                     entries_.size(), event.type(), rule.name, event.seq);
        continue;
      }
      entries_.erase(old);
    }
    Entry e;
    e.rule = i;
    e.body = alert_body(rule, options_.console, event);
    AlertDelivery& d = e.delivery;
    d.id = "alert-" + std::to_string(next_id_++);
    d.rule = rule.name;
    d.kind = rule.is_webhook() ? "webhook" : "command";
    d.event_seq = event.seq;
    d.event_type = std::string(event.type());
    d.correlation = event.correlation;
    d.state = "pending";
    d.max_attempts = rule.max_attempts;
    d.queued_us = options_.clock_us();
    d.next_attempt_us = d.queued_us;
    entries_.push_back(std::move(e));
  }
}

std::int64_t Alerter::next_due_us() const {
  MutexLock lock(&mu_);
  std::int64_t due = INT64_MAX;
  for (const Entry& e : entries_) {
    if (!finished(e.delivery)) due = std::min(due, e.delivery.next_attempt_us);
  }
  return due;
}

bool Alerter::attempt_due(std::int64_t now_us) {
  std::string id, body;
  std::size_t rule_index = 0;
  int attempt_no = 0;
  {
    MutexLock lock(&mu_);
    const Entry* due = nullptr;
    for (const Entry& e : entries_) {
      if (finished(e.delivery) || e.delivery.next_attempt_us > now_us) continue;
      if (due == nullptr || e.delivery.next_attempt_us < due->delivery.next_attempt_us) due = &e;
    }
    if (due == nullptr) return false;
    id = due->delivery.id;
    body = due->body;
    rule_index = due->rule;
    attempt_no = due->delivery.attempts + 1;
  }
  const AlertRule& rule = options_.rules[rule_index];
  AttemptOutcome outcome;
  if (rule.is_webhook()) {
    std::vector<std::string> headers;
    if (!rule.headers_file.empty()) {
      auto read = read_header_file(rule.headers_file);  // never echoed: names file and line only
      if (read.ok()) {
        headers = std::move(read).value();
      } else {
        outcome = {false, read.status().message()};
      }
    }
    if (outcome.status.empty()) outcome = post_webhook(rule.webhook, headers, body, rule.timeout_ms, &stop_);
  } else {
    outcome = run_command_hook(rule.command, body, rule.timeout_ms, &stop_);
  }
  if (stop_ && !outcome.ok) return true;  // interrupted: not an attempt the receiver failed
  const std::int64_t now = options_.clock_us();
  MutexLock lock(&mu_);
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.delivery.id == id; });
  if (it == entries_.end()) return true;
  AlertDelivery& d = it->delivery;
  d.attempts = attempt_no;
  d.last_status = outcome.status;
  d.last_attempt_us = now;
  if (outcome.ok) {
    d.state = "delivered";
    d.next_attempt_us = 0;
    spdlog::info("alert {} ({} of seq {}, rule '{}') delivered on attempt {}: {}", d.id,
                 d.event_type, d.event_seq, d.rule, d.attempts, d.last_status);
  } else if (d.attempts >= d.max_attempts) {
    d.state = "failed";
    d.next_attempt_us = 0;
    spdlog::warn("alert {} ({} of seq {}, rule '{}') failed after {} attempts: {}", d.id,
                 d.event_type, d.event_seq, d.rule, d.attempts, d.last_status);
  } else {
    d.state = "retrying";
    const std::int64_t delay_ms = retry_delay_ms(rule, d.attempts);
    d.next_attempt_us = now + delay_ms * 1000;
    spdlog::warn("alert {} ({} of seq {}, rule '{}') attempt {} of {} failed: {}; next in {} ms",
                 d.id, d.event_type, d.event_seq, d.rule, d.attempts, d.max_attempts,
                 d.last_status, delay_ms);
  }
  return true;
}

}  // namespace distsync
