// HistoryQuery: the events of the log that match a filter, read through the history indexes
// (projections/history_index.h) instead of a scan when a job, schedule, server or type is
// named, and bounded in seq by the time range (EventLog::seq_at_time), so a query costs the
// size of its answer, not of the log.
//
// Filters combine with AND. `schedule` matches the schedule's own events (their correlation
// id is the schedule id) and the SyncQueued events it caused (schedule_id). `console` has no
// index: it filters what the other bounds select. Results are in seq order; `newest` picks
// the last `limit` matches instead of the first. Thread-safe as far as `log` is; reads only.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "events/event.h"
#include "events/log/event_log.h"

namespace distsync {

inline constexpr std::size_t kMaxHistoryLimit = 10000;

struct HistoryFilter {
  std::optional<std::string> server, job, schedule, console, type;
  std::optional<std::int64_t> since_us;  // inclusive
  std::optional<std::int64_t> until_us;  // exclusive
  std::uint64_t after_seq = 0;           // only events with seq > after_seq
  std::uint64_t before_seq = 0;          // when not 0, only events with seq < before_seq
  std::size_t limit = 100;
  bool newest = false;
};

struct HistoryPage {
  std::vector<Event> events;
  // The server of each job (or schedule) whose events in the page do not name one: the server
  // named by the first event of that correlation id (a job's SyncQueued, a schedule's
  // ScheduleAdded). Keyed by correlation id; ids whose first event names no server are absent.
  std::map<std::string, std::string> servers;
  std::uint64_t head = 0;  // the log head the query saw
  bool more = false;       // more matches lie beyond the limit
};

// Reads {server?, job?, schedule?, console?, type?, since?, until?, limit?, after_seq?,
// before_seq?, newest?} (newest with before_seq: the page before a page, for paging back); since/until are parsed with parse_time_arg (zone `zone`) or given as
// since_us/until_us. Unknown keys are refused, so a typo does not widen a query.
[[nodiscard]] Result<HistoryFilter> parse_history_filter(const nlohmann::json& args,
                                                         std::int64_t now_us,
                                                         const std::string& zone);

[[nodiscard]] Result<HistoryPage> query_history(EventLog& log, const HistoryFilter& filter);

// The server of an event: the one it names itself (event_server), else the one the first
// event of its correlation id names. Fills `servers` for every correlation id of `events`
// whose events name none and whose first event does; reads one index key and one event per id.
[[nodiscard]] Status servers_of_correlations(EventLog& log, const std::vector<Event>& events,
                                             std::map<std::string, std::string>* servers);

// Every event whose correlation id is `id`, in order (through idx/job/<id>/).
[[nodiscard]] Result<std::vector<Event>> events_of_job(EventLog& log, const std::string& id);

// True when `e` passes every part of `filter` that can be checked on the event alone (all but
// the seq/time bounds' index lookups); for clients that filter a live stream (--follow).
bool history_matches(const HistoryFilter& filter, const Event& e);

}  // namespace distsync
