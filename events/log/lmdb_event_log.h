// LmdbEventLog: the EventLog kept in an LMDB environment (a directory holding data.mdb and
// lock.mdb, readable by `mdb_stat`).
//
// Named databases:
//   events  big-endian u64 seq -> record (events/codec.h)
//   meta    "format" -> "distsync-eventlog", "schema" -> decimal schema version,
//           "head" -> seq:u64be hash[32] time_us:i64be
//   state   projection state (StateTable keys, owned by the Folder)
//
// One writer thread per process takes every waiting command into one write transaction
// (group commit). The environment is opened MDB_NOMETASYNC: the commit fsyncs the group's
// data pages and writes its meta page unflushed; a flusher thread (events/log/group_flusher.h)
// then fsyncs once for every group committed so far and only then answers their commands,
// while the writer already runs the next group. So a future still resolves only once its events are durable;
// wait_for_append() does not report a group of this process before that either, but last_seq(),
// read() and the Folder's readers may see it one flush earlier (a power cut in that window
// takes it back; a killed process does not). LMDB's own lock serializes writers across
// processes, so two daemons may share a directory. The map grows (doubling) when full, and adopts a size grown
// by another process. Stale reader slots are cleared on open. An environment that is corrupt,
// foreign (no distsync meta) or of a newer schema is refused and left as it was.
// A write that fails because the file system is full answers IOError "event log <dir>: the
// disk is full (...), nothing was appended; free space on <mount point> and retry"; the log
// keeps serving reads and appends again once there is room.
// A command's future is answered once per group (no promise, no wake-up per command,
// events/log/ticket.h): it is a std::launch::deferred future that waits for the answer in get() or wait(), so wait_for()
// and wait_until() report future_status::deferred instead of waiting.
// Thread-safe. The Folder, when given, must outlive the log.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "events/log/event_log.h"

namespace distsync {

struct LmdbLogOptions {
  std::string dir;                                   // created if missing
  std::string console;                               // console id stamped on appended events
  std::size_t initial_map_bytes = std::size_t{64} << 20;
  std::size_t max_commands_per_group = 4096;
  Folder* folder = nullptr;
  std::function<std::int64_t()> clock_us;            // UTC microseconds; system clock if empty
};

inline constexpr int kLogSchemaVersion = 1;

class LmdbEventLog : public EventLog {
 public:
  static Result<std::unique_ptr<LmdbEventLog>> open(LmdbLogOptions options);
  ~LmdbEventLog() override;

  std::future<Result<AppendResult>> submit(Command command) override;
  std::uint64_t last_seq() override;
  Hash256 last_hash() override;
  Result<std::vector<Event>> read(std::uint64_t from, std::uint64_t to, std::size_t limit) override;
  Status scan_records(std::uint64_t from, std::uint64_t to,
                      const std::function<bool(std::uint64_t, std::string_view)>& fn) override;
  Result<std::uint64_t> seq_at_time(std::int64_t time_us) override;
  Status read_state(const std::function<void(std::uint64_t, StateTable&)>& fn) override;
  std::uint64_t wait_for_append(std::uint64_t after_seq, std::chrono::milliseconds timeout) override;
  void close() override;

  // The current map size in bytes (grows on demand).
  std::size_t map_bytes();
  // Number of write transactions committed by this process (for group-commit tests).
  std::uint64_t commits();

  class Impl;

 protected:
  std::future<Result<AppendResult>> submit_append(
      std::vector<EventDraft> batch, std::optional<std::uint64_t> expected_last_seq) override;

 private:
  explicit LmdbEventLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
