// Acknowledgements: who acknowledged which event of the log, and when, read through the
// history index idx/ack/<acked seq>/ (projections/history_index.h) that every
// EventAcknowledged adds, so a history page learns its acknowledgements with one index scan
// and one read per acknowledgement, not a scan of the log.
//
// Reads only; thread-safe as far as `log` is.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "events/event.h"
#include "events/log/event_log.h"

namespace distsync {

struct Acknowledgement {
  std::uint64_t seq = 0;      // the EventAcknowledged event's own seq
  std::int64_t time_us = 0;   // when it was recorded
  std::string console, by, note;
};

// The acknowledgements of each event of `events` that has any, oldest first, keyed by the
// acknowledged event's seq.
[[nodiscard]] Result<std::map<std::uint64_t, std::vector<Acknowledgement>>> acknowledgements_of(
    EventLog& log, const std::vector<Event>& events);

// {"<acked seq>": [{"seq", "time_us", "console", "by", "note"}...]}: history.query's
// "acknowledged".
nlohmann::json acknowledgements_json(
    const std::map<std::uint64_t, std::vector<Acknowledgement>>& acks);

}  // namespace distsync
