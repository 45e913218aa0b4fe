#include "daemon/alerts/alerter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <filesystem>
#include <string_view>

#include "daemon/alerts/alert_policy.h"
#include "daemon/alerts/alert_sinks.h"
#include "daemon/alerts/alert_state_file.h"
#include "daemon/alerts/header_file.h"

namespace distsync {
namespace {

// The longest the thread sleeps between looks at the log and the queue (and so the longest
// stop() waits when no attempt is running).
constexpr std::int64_t kMaxWaitMs = 250;
constexpr std::size_t kReadBatch = 500;
// A cursor that moved past events no rule wanted is saved at most this often: losing it
// only means looking at those events again after a crash.
constexpr std::int64_t kLazySaveUs = 1'000'000;

bool finished(const AlertDelivery& d) { return d.state == "delivered" || d.state == "failed"; }

// N of "alert-N" (0 when the id has another shape), to put restored deliveries in queue order.
std::uint64_t id_number(const std::string& id) {
  constexpr std::string_view kPrefix = "alert-";
  if (id.compare(0, kPrefix.size(), kPrefix) != 0) return 0;
  try {
    return std::stoull(id.substr(kPrefix.size()));
  } catch (...) {
    return 0;
  }
}

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
  if (thread_.joinable()) return;
  cursor_ = log_.last_seq();
  if (options_.rules.empty()) {
    // Nothing to alert: the file says so, so rules added later start from here, not from
    // the day they were removed.
    if (!options_.state_path.empty() && std::filesystem::exists(options_.state_path)) {
      save_state();
    }
    return;
  }
  saved_cursor_ = cursor_;
  if (!options_.state_path.empty()) {
    resume();
    // Written before anything else is appended: an event after this cursor survives a crash
    // even if the thread never got to look at it.
    save_state();
  }
  thread_ = std::thread([this] { loop(); });
}

void Alerter::resume() {
  auto loaded = load_alert_state(options_.state_path, options_.console);
  if (!loaded.ok()) {
    if (loaded.status().code() != Status::Code::kNotFound) {
      spdlog::warn("alerts: {}; alerting starts at the log head (seq {})",
                   loaded.status().message(), cursor_);
    }
    return;
  }
  const AlertState& state = *loaded;
  const std::uint64_t head = cursor_;
  if (state.cursor > head) {
    spdlog::warn("alerts: {} resumes after seq {}, past the log head (seq {}); alerting starts "
                 "at the head",
                 options_.state_path, state.cursor, head);
    return;
  }
  // The catch-up is bounded by count and by age: events older than that are history, which
  // `distsync history` shows, not news for a pager.
  std::uint64_t from = state.cursor;
  if (head > kMaxCatchUpEvents) from = std::max(from, head - kMaxCatchUpEvents);
  if (auto young = log_.seq_at_time(options_.clock_us() - kMaxCatchUpAge); young.ok()) {
    from = std::max(from, *young - 1);
  }
  if (from > state.cursor) {
    spdlog::warn("alerts: {} events after seq {} are not alerted: more than {} behind the head "
                 "or older than 24 h",
                 from - state.cursor, state.cursor, kMaxCatchUpEvents);
  }
  cursor_ = from;
  saved_cursor_ = state.cursor;
  std::size_t requeued = 0;
  MutexLock lock(&mu_);
  next_id_ = std::max(next_id_, state.next_id);
  for (const SavedDelivery& saved : state.deliveries) {
    std::size_t rule = 0;
    while (rule < options_.rules.size() && options_.rules[rule].name != saved.rule) ++rule;
    auto events = log_.read(saved.event_seq, saved.event_seq, 1);
    if (rule == options_.rules.size() || !events.ok() || events->size() != 1) {
      spdlog::warn("alerts: {} of seq {} is not re-queued: {}", saved.id, saved.event_seq,
                   rule == options_.rules.size() ? "rule '" + saved.rule + "' is gone"
                                                 : "the event cannot be read");
      continue;
    }
    const Event& event = events->front();
    const AlertRule& r = options_.rules[rule];
    Entry e;
    e.rule = rule;
    e.body = alert_body(r, options_.console, event);
    AlertDelivery& d = e.delivery;
    d.id = saved.id;
    d.rule = r.name;
    d.kind = r.is_webhook() ? "webhook" : "command";
    d.event_seq = event.seq;
    d.event_type = std::string(event.type());
    d.correlation = event.correlation;
    d.state = saved.state;
    d.attempts = saved.attempts;
    d.max_attempts = std::max(r.max_attempts, saved.attempts + 1);  // a lowered budget: one more
    d.last_status = saved.last_status;
    d.queued_us = saved.queued_us;
    d.last_attempt_us = saved.last_attempt_us;
    d.next_attempt_us = saved.next_attempt_us;
    entries_.push_back(std::move(e));
    ++requeued;
  }
  // Finished ones are shown again by alerts.status; they are never attempted, so their rule
  // may be gone (Entry::rule is then past the rules and never read).
  for (const FinishedDelivery& f : state.finished) {
    const SavedDelivery& saved = f.delivery;
    Entry e;
    std::size_t rule = 0;
    while (rule < options_.rules.size() && options_.rules[rule].name != saved.rule) ++rule;
    e.rule = rule;
    e.delivery = {saved.id,       saved.rule,        f.kind,      saved.event_seq,
                  f.event_type,   f.correlation,     saved.state, saved.attempts,
                  f.max_attempts, saved.last_status, saved.queued_us, saved.last_attempt_us,
                  0};
    entries_.push_back(std::move(e));
  }
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    return id_number(a.delivery.id) < id_number(b.delivery.id);
  });
  spdlog::info("alerts: resuming after seq {} (log head {}); {} unfinished deliveries re-queued, "
               "{} finished ones kept",
               cursor_, head, requeued, state.finished.size());
}

void Alerter::save_state() {
  if (options_.state_path.empty()) return;
  AlertState state;
  state.console = options_.console;
  state.cursor = cursor_;
  {
    MutexLock lock(&mu_);
    state.next_id = next_id_;
    for (const Entry& e : entries_) {
      const AlertDelivery& d = e.delivery;
      SavedDelivery saved{d.id,        d.rule,      d.event_seq,       d.state,
                          d.attempts,  d.last_status, d.queued_us,     d.last_attempt_us,
                          d.next_attempt_us};
      if (!finished(d)) {
        state.deliveries.push_back(std::move(saved));
        continue;
      }
      state.finished.push_back(
          {std::move(saved), d.kind, d.event_type, d.correlation, d.max_attempts});
    }
    // save_alert_state keeps the newest kKeptFinishedDeliveries of them.
  }
  Status s = save_alert_state(options_.state_path, state);
  if (!s.is_ok()) {
    if (!save_failing_) spdlog::warn("alerts: state not saved: {}", s.message());
    save_failing_ = true;
    return;
  }
  if (save_failing_) spdlog::info("alerts: state saved again to {}", options_.state_path);
  save_failing_ = false;
  saved_cursor_ = cursor_;
  saved_us_ = options_.clock_us();
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
    std::size_t queued = 0;
    while (cursor_ < head && !stop_) {
      auto events = log_.read(cursor_ + 1, head, kReadBatch);
      if (!events.ok() || events->empty()) {
        spdlog::warn("alerts: cannot read the log after seq {}: {}", cursor_,
                     events.ok() ? "no events" : events.status().message());
        std::this_thread::sleep_for(std::chrono::milliseconds(kMaxWaitMs));  // then again
        break;
      }
      for (const Event& e : *events) {
        queued += enqueue(e);
        cursor_ = e.seq;
      }
    }
    const std::int64_t now = options_.clock_us();
    // Saved before the first attempt: a delivery is never tried before it would survive.
    if (queued > 0 || (cursor_ != saved_cursor_ && now - saved_us_ >= kLazySaveUs)) save_state();
    if (attempt_due(now)) {
      save_state();
      continue;
    }
    const std::int64_t due = next_due_us();
    const std::int64_t wait_ms =
        due == INT64_MAX ? kMaxWaitMs : std::clamp<std::int64_t>((due - now) / 1000, 0, kMaxWaitMs);
    if (wait_ms > 0) log_.wait_for_append(cursor_, std::chrono::milliseconds(wait_ms));
  }
  save_state();
}

std::size_t Alerter::enqueue(const Event& event) {
  // Another console sharing the data dir alerts on its own events.
  if (event.console != options_.console) return 0;
  std::size_t queued = 0;
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
    ++queued;
  }
  return queued;
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
