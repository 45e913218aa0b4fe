// EventLog: the durable, append-only, hash-chained log of every event, and the only writer of
// projection state.
//
// Writes go through commands. A Command runs inside the log's write transaction: it sees the
// log's head (and, through the Folder it captured, the projected state as of that head),
// decides which events to append, or refuses with a Status. No other writer, thread or process,
// can come between its decision and its append. Concurrent commands are group-committed: one
// write transaction and one fsync serve every command waiting at that moment, each command
// seeing the effects of those before it. A command's future resolves only once its events are
// durable, or with the Status that kept them out (a refused command appends nothing).
//
// Projection state lives in the same transaction (StateTable), so log and state never disagree.
// The Folder registered at open() is told of every event appended, by this process or another.
//
// Implementations: LmdbEventLog (events/log/lmdb_event_log.h) and MemoryEventLog, its in-memory
// twin for unit tests. Thread-safe: any thread may append or read.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/event.h"
#include "events/result.h"

namespace distsync {

// Key-value space for projection state, valid only inside one write (or read) transaction.
class StateTable {
 public:
  virtual ~StateTable() = default;
  virtual std::optional<std::string> get(std::string_view key) = 0;
  virtual void put(std::string_view key, std::string_view value) = 0;
  virtual void erase(std::string_view key) = 0;
  // Calls fn(key, value) for keys starting with prefix, in key order, until fn returns false.
  virtual void scan(std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& fn) = 0;
};

// Keeps projected state in step with the log. Implemented above this layer.
class Folder {
 public:
  virtual ~Folder() = default;
  // Inside a transaction whose log head is `head`: make in-memory state equal to the state
  // persisted in `table` if it is not already (another process may have appended). Returns
  // the seq that state reflects; when it is behind `head` (a log written without this folder,
  // e.g. by an offline replay), the log folds the missing events through apply() and the next
  // save() persists them.
  virtual std::uint64_t sync(std::uint64_t head, StateTable& table) = 0;
  // Fold one newly appended event into in-memory state.
  virtual void apply(const Event& e) = 0;
  // Persist what apply() changed. Called once per write transaction, after the last apply().
  virtual void save(StateTable& table) = 0;
  // The transaction failed: in-memory state is ahead of what is persisted; drop it. The log
  // then calls sync() again (in a read transaction) and committed().
  virtual void discard() = 0;
  // In-memory state equals the durable state again: after a commit, or after discard() and
  // the sync() that follows it. From here on readers may see what apply() folded; until
  // then it may still be rolled back.
  virtual void committed() {}
};

struct AppendResult {
  std::uint64_t first_seq = 0;  // 0 when the command appended nothing
  std::uint64_t last_seq = 0;
};

// Decides what to append. `head` is the log's last seq. May run more than once (the log
// retries a transaction after growing its map), so it must only read state and fill `out`.
using Command = std::function<Status(std::uint64_t head, std::vector<EventDraft>* out)>;

class EventLog {
 public:
  virtual ~EventLog() = default;

  // Appends `batch` atomically. With expected_last_seq, refuses with Conflict unless the
  // log's head is exactly that seq.
  std::future<Result<AppendResult>> append_async(std::vector<EventDraft> batch,
                                                 std::optional<std::uint64_t> expected_last_seq = {});
  Result<AppendResult> append(std::vector<EventDraft> batch,
                              std::optional<std::uint64_t> expected_last_seq = {});

  virtual std::future<Result<AppendResult>> submit(Command command) = 0;
  Result<AppendResult> execute(Command command) { return submit(std::move(command)).get(); }

  // The last durable seq (0 for an empty log) and its hash.
  virtual std::uint64_t last_seq() = 0;
  virtual Hash256 last_hash() = 0;

  // Events with from <= seq <= to, in order, at most `limit` of them.
  virtual Result<std::vector<Event>> read(std::uint64_t from, std::uint64_t to,
                                          std::size_t limit) = 0;
  // Streams raw records from `from` on; fn returns false to stop. Records are valid during
  // the call only.
  virtual Status scan_records(std::uint64_t from, std::uint64_t to,
                              const std::function<bool(std::uint64_t seq, std::string_view record)>& fn) = 0;
  // The first seq whose time_us >= t (last_seq()+1 when none). Times never decrease with seq.
  virtual Result<std::uint64_t> seq_at_time(std::int64_t time_us) = 0;

  // Blocks until the log's head passes `after_seq` or `timeout` elapses; returns the head.
  // Appends by this process wake it at once; another process's appends within `timeout`.
  virtual std::uint64_t wait_for_append(std::uint64_t after_seq, std::chrono::milliseconds timeout) = 0;

  // Runs fn with read access to persisted projection state as of one consistent head.
  virtual Status read_state(const std::function<void(std::uint64_t head, StateTable& table)>& fn) = 0;

  // Waits until all submitted commands have been answered, then stops the writer.
  virtual void close() = 0;

 protected:
  // What append_async() calls: submits PlainAppend(batch, expected_last_seq) as a Command. A
  // log may queue the batch as it is instead (LmdbEventLog does: no std::function, so no
  // allocation of its own, per append).
  virtual std::future<Result<AppendResult>> submit_append(
      std::vector<EventDraft> batch, std::optional<std::uint64_t> expected_last_seq);
};

}  // namespace distsync
