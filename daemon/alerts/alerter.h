// Alerter: tells someone outside when an event they care about is appended: a webhook POST
// or a command hook per rule (daemon/alert_rules.h), retried with backoff.
//
// It is a log subscriber on a thread of its own: it tails the log from its cursor, queues one
// delivery per matching rule and event, and makes the attempts itself, one at a time, each
// bounded by its rule's timeout. Nothing else waits for it: a slow or failing receiver
// delays only the alerts behind it, never an append, a control reply or a copy.
//
// With a state_path (alert_state_file.h) the cursor and the unfinished deliveries survive a
// restart: start() resumes after the saved cursor (events appended while the daemon was down
// are alerted, at most kMaxCatchUpEvents of them and none older than kMaxCatchUpAge) and
// re-queues the saved deliveries with their attempt counts. The file is rewritten after every
// batch that queued a delivery and after every attempt, so an alert is delivered at least
// once; only an attempt whose answer came in just before a crash can be repeated. Without
// the file (or with a corrupt one: one warn line) it starts at the log head.
//
// Deliveries live in memory (docs/alerts.md says why): the last kMaxDeliveries of them, for
// `alerts.status`; the state file also keeps the newest kKeptFinishedDeliveries finished
// ones, so a restart shows them again. Every attempt is also a line of the daemon's log (rule, event, attempt,
// status; never a header or a URL). Webhook headers are read from the rule's headers_file at
// each attempt, so a rotated token takes effect without a restart. A queue past
// kMaxDeliveries pending drops the newest alert and counts it (`dropped`).
//
// Thread-safe. `log` must outlive the Alerter; stop() (or the destructor) ends an attempt in
// progress early and joins the thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "daemon/alert_rules.h"
#include "events/log/event_log.h"
#include "events/mutex.h"

namespace distsync {

struct AlertDelivery {
  std::string id;  // "alert-N", in order of queueing
  std::string rule;
  std::string kind;  // "webhook" or "command"
  std::uint64_t event_seq = 0;
  std::string event_type;
  std::string correlation;  // the event's job, download or schedule id
  std::string state;        // "pending", "retrying", "delivered", "failed"
  int attempts = 0;
  int max_attempts = 0;
  std::string last_status;  // AttemptOutcome::status of the last attempt; empty before
  std::int64_t queued_us = 0, last_attempt_us = 0;
  std::int64_t next_attempt_us = 0;  // when pending or retrying; 0 once finished
};

struct AlerterOptions {
  std::string console;
  std::vector<AlertRule> rules;
  std::function<std::int64_t()> clock_us;  // UTC microseconds
  std::string state_path;  // alert_state_file.h; empty: nothing survives a restart
};

class Alerter {
 public:
  static constexpr std::size_t kMaxDeliveries = 1000;
  // Bounds of the catch-up after a restart (docs/alerts.md says why these).
  static constexpr std::uint64_t kMaxCatchUpEvents = 10000;
  static constexpr std::int64_t kMaxCatchUpAge = 24LL * 3600 * 1000 * 1000;  // microseconds

  // invalid_argument when a rule's headers_file cannot be read or is malformed (checked once
  // here, so a typo stops the daemon at start instead of failing every alert later).
  static Result<std::unique_ptr<Alerter>> create(EventLog& log, AlerterOptions options);
  ~Alerter();
  Alerter(const Alerter&) = delete;
  Alerter& operator=(const Alerter&) = delete;

  // Without rules no thread runs; an existing state file is set to the head.
  void start();
  void stop();

  const std::vector<AlertRule>& rules() const { return options_.rules; }
  // The deliveries kept, oldest first, and how many alerts were dropped.
  std::vector<AlertDelivery> deliveries() const;
  std::uint64_t dropped() const;

 private:
  Alerter(EventLog& log, AlerterOptions options);
  void loop();
  struct Entry {
    AlertDelivery delivery;
    std::size_t rule = 0;  // index into options_.rules
    std::string body;      // alert_body()
  };
  // Queues the deliveries of `event`; returns how many.
  std::size_t enqueue(const Event& event);
  // Loop thread, before it starts: the cursor and deliveries of the state file, if any.
  void resume();
  // Loop thread: rewrites the state file (no-op without a state_path). A failure is one warn
  // line until the next success.
  void save_state();
  // Makes one attempt of the delivery due first, if one is due at `now_us`; false if none.
  bool attempt_due(std::int64_t now_us);
  // When the next pending delivery is due; INT64_MAX when none is.
  std::int64_t next_due_us() const;

  EventLog& log_;
  const AlerterOptions options_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::uint64_t cursor_ = 0;  // loop thread only: the last seq looked at
  // Loop thread only: the cursor in the state file, when it was written, whether it failed.
  std::uint64_t saved_cursor_ = 0;
  std::int64_t saved_us_ = 0;
  bool save_failing_ = false;

  mutable Mutex mu_;
  std::deque<Entry> entries_ GUARDED_BY(mu_);  // oldest first
  std::uint64_t next_id_ GUARDED_BY(mu_) = 1;
  std::uint64_t dropped_ GUARDED_BY(mu_) = 0;
};

}  // namespace distsync
