// The alerter's state file: where alerting resumes after a restart, and the deliveries that
// were still waiting. One small JSON document under the data dir, one per console
// (`<data_dir>/alerts-<console>.json`), mode 0600, replaced atomically (`<file>.tmp`, fsync,
// rename, fsync of the directory), so a crash leaves the old or the new file, never a mix. docs/alerts.md says why this is not in the event log.
//
//   {"format": 1, "console": "east",
//    "cursor": 812,          // the last seq whose deliveries were queued (or found none)
//    "next_id": 4,           // the N of the next "alert-N"
//    "deliveries": [         // unfinished only: "pending" or "retrying"
//      {"id": "alert-3", "rule": "ops-webhook", "event_seq": 812, "state": "retrying",
//       "attempts": 2, "last_status": "HTTP 503", "queued_us": ..., "last_attempt_us": ...,
//       "next_attempt_us": ...}]}
//
//    "finished": [           // since format 2: the last kKeptFinishedDeliveries finished
//      {"id": "alert-2", ..., "state": "delivered", // ones, oldest first, for alerts.status;
//       "kind": "webhook", "event_type": "SyncFailed", "correlation": "job-9",
//       "max_attempts": 5}]}  // their rule may be gone by the next start, so they say it
//
// A delivery's body is not stored: it is rebuilt from the event, which the log keeps.
// Format 1 files (no "finished") still load. Stateless functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/result.h"

namespace distsync {

struct SavedDelivery {
  std::string id;
  std::string rule;
  std::uint64_t event_seq = 0;
  std::string state;  // "pending" or "retrying" (FinishedDelivery: "delivered" or "failed")
  int attempts = 0;
  std::string last_status;
  std::int64_t queued_us = 0, last_attempt_us = 0, next_attempt_us = 0;
};

// A finished delivery says what an unfinished one takes from its rule and event.
struct FinishedDelivery {
  SavedDelivery delivery;  // state "delivered" or "failed"
  std::string kind, event_type, correlation;
  int max_attempts = 0;
};

// How many finished deliveries the file keeps, so `alerts status` after a restart still shows
// what was delivered or failed just before it (the file is rewritten after every attempt, so
// this bounds the bytes written per attempt).
inline constexpr std::size_t kKeptFinishedDeliveries = 100;

struct AlertState {
  std::string console;
  std::uint64_t cursor = 0;
  std::uint64_t next_id = 1;
  std::vector<SavedDelivery> deliveries;  // unfinished
  std::vector<FinishedDelivery> finished;  // at most kKeptFinishedDeliveries, oldest first
};

// not_found when there is no file; corruption, naming the file and what is wrong, when it
// cannot be parsed or holds a value of the wrong type or out of range (a delivery after the
// cursor, a finished state among "deliveries" or an unfinished one among "finished", more
// than kKeptFinishedDeliveries finished ones, another console's file).
Result<AlertState> load_alert_state(const std::string& path, const std::string& console);

// Replaces the file atomically with `state` (mode 0600). io_error names the path and errno.
// REQUIRES: one writer of `path` at a time.
Status save_alert_state(const std::string& path, const AlertState& state);

}  // namespace distsync
