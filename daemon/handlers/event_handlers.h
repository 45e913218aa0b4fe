// Control ops of the log itself and of the daemon (docs/protocol.md):
//   "status"      {} -> the Daemon's status (version, console, head, uptime, pending, ...)
//   "events.head" {} -> {last_seq, last_hash}
//   "events.read" {from?, to?, limit?} -> {events:[<event JSON>...], last_seq}: the events
//                 from..to (default 1..head), at most `limit` (1..kMaxReadLimit) of them; how
//                 a bus subscriber fills a gap in the sequence numbers.
// `daemon` must outlive the router's use. Handlers only read.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "daemon/daemon.h"
#include "daemon/request_router.h"

namespace distsync {

void register_event_handlers(RequestRouter& router, Daemon& daemon);

// Parses {"from":N,"to":N,"limit":N} for "events.read"; defaults from 1, to the head, limit
// kMaxReadLimit. Pure; exposed for tests.
struct ReadRange {
  std::uint64_t from = 1;
  std::uint64_t to = 0;
  std::size_t limit = kMaxReadLimit;
};
Result<ReadRange> parse_read_range(const nlohmann::json& args, std::uint64_t head);

}  // namespace distsync
