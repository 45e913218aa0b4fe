// HistoryIndex: secondary indexes over the log, so one job's or one server's history is read
// without scanning the whole log.
//
// Keys (values empty; seq is 8 bytes big-endian so keys sort by seq):
//   idx/job/<correlation id>/<seq>    every event with that correlation id
//   idx/server/<server name>/<seq>    server, schedule and sync events naming the server
//   idx/type/<type>/<seq>             every event, by type
//   idx/ack/<acked seq>/<seq>         the EventAcknowledged events naming an event
// Jobs name their server only in SyncQueued; later events of the job are indexed under the
// server through `job_servers`, kept for unfinished jobs. Pure fold over pending keys.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "events/event.h"
#include "events/log/event_log.h"
#include "projections/pending_writes.h"

namespace distsync {

struct HistoryIndex {
  std::map<std::string, std::string> job_servers;  // correlation id -> server, while active
  PendingWrites pending;                           // index keys to write

  void save(StateTable& table);
  void load(StateTable& table);

  // The 8 big-endian bytes of seq that end every index key.
  static std::string seq_suffix(std::uint64_t seq);
  static std::uint64_t seq_from_suffix(std::string_view key);
  // Seqs indexed under `prefix` (e.g. "idx/job/J/"), ascending, at most `limit`.
  static std::vector<std::uint64_t> lookup(StateTable& table, const std::string& prefix,
                                           std::size_t limit);
};

void apply(HistoryIndex& index, const Event& e);

}  // namespace distsync
