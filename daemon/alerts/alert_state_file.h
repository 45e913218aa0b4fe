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
// A delivery's body is not stored: it is rebuilt from the event, which the log keeps.
// Stateless functions; thread-safe.
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
  std::string state;  // "pending" or "retrying"
  int attempts = 0;
  std::string last_status;
  std::int64_t queued_us = 0, last_attempt_us = 0, next_attempt_us = 0;
};

struct AlertState {
  std::string console;
  std::uint64_t cursor = 0;
  std::uint64_t next_id = 1;
  std::vector<SavedDelivery> deliveries;
};

// not_found when there is no file; corruption, naming the file and what is wrong, when it
// cannot be parsed or holds a value of the wrong type or out of range (a delivery after the
// cursor, a finished state, another console's file).
Result<AlertState> load_alert_state(const std::string& path, const std::string& console);

// Replaces the file atomically with `state` (mode 0600). io_error names the path and errno.
// REQUIRES: one writer of `path` at a time.
Status save_alert_state(const std::string& path, const AlertState& state);

}  // namespace distsync
