#include "daemon/handlers/event_handlers.h"

#include "daemon/handlers/request_args.h"
#include "events/codec.h"

namespace distsync {

Result<ReadRange> parse_read_range(const nlohmann::json& args, std::uint64_t head) {
  auto from = optional_uint(args, "from", 1);
  if (!from.ok()) return from.status();
  auto to = optional_uint(args, "to", head);
  if (!to.ok()) return to.status();
  auto limit = optional_uint(args, "limit", kMaxReadLimit, 1, kMaxReadLimit);
  if (!limit.ok()) return limit.status();
  ReadRange r;
  r.from = *from == 0 ? 1 : *from;
  r.to = *to;
  r.limit = static_cast<std::size_t>(*limit);
  return r;
}

void register_event_handlers(RequestRouter& router, Daemon& daemon) {
  router.add("status", [&daemon](const nlohmann::json&) -> Result<nlohmann::json> {
    return daemon.status();
  });
  router.add("events.head", [&daemon](const nlohmann::json&) -> Result<nlohmann::json> {
    EventLog& log = daemon.log();
    return nlohmann::json{{"last_seq", log.last_seq()}, {"last_hash", to_hex(log.last_hash())}};
  });
  router.add("events.read", [&daemon](const nlohmann::json& args) -> Result<nlohmann::json> {
    EventLog& log = daemon.log();
    const std::uint64_t head = log.last_seq();
    auto range = parse_read_range(args, head);
    if (!range.ok()) return range.status();
    nlohmann::json events = nlohmann::json::array();
    if (range->from <= range->to) {
      auto read = log.read(range->from, range->to, range->limit);
      if (!read.ok()) return read.status();
      for (const Event& e : *read) events.push_back(nlohmann::json::parse(to_json(e)));
    }
    return nlohmann::json{{"events", std::move(events)}, {"last_seq", head}};
  });
}

}  // namespace distsync
