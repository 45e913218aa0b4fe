// MemoryEventLog: the in-memory twin of LmdbEventLog, for unit tests of the layers above.
//
// Same contract as EventLog, except that nothing is durable and each command commits on its
// own (there is no fsync to share). Thread-safe. `folder`, when given, must outlive the log.
#pragma once

#include <functional>
#include <map>

#include "events/log/command_group.h"
#include "events/log/event_log.h"
#include "events/log/map_state_table.h"
#include "events/mutex.h"

namespace distsync {

class MemoryEventLog : public EventLog {
 public:
  explicit MemoryEventLog(std::string console = "test-console", Folder* folder = nullptr,
                          std::function<std::int64_t()> clock_us = {});

  std::future<Result<AppendResult>> submit(Command command) override;
  std::uint64_t last_seq() override;
  Hash256 last_hash() override;
  Result<std::vector<Event>> read(std::uint64_t from, std::uint64_t to, std::size_t limit) override;
  Status scan_records(std::uint64_t from, std::uint64_t to,
                      const std::function<bool(std::uint64_t, std::string_view)>& fn) override;
  Result<std::uint64_t> seq_at_time(std::int64_t time_us) override;
  Status read_state(const std::function<void(std::uint64_t, StateTable&)>& fn) override;
  std::uint64_t wait_for_append(std::uint64_t after_seq, std::chrono::milliseconds timeout) override;
  void close() override {}

  // Test hook: later appends carry this console id, as if another console shared the log.
  void set_console(std::string console);

  // Test hook: replaces the stored record of `seq` (to simulate tampering).
  void overwrite_record(std::uint64_t seq, std::string record);

  // Test hook: the next `times` commands that decide an event `matches` accepts fail at
  // commit, as on a full disk: nothing is appended, the folder discards what it folded, and
  // the caller gets `error`.
  void fail_commits(std::function<bool(const Event&)> matches, Status error, int times = 1);

 private:
  Mutex mu_;
  CondVar appended_;
  const std::function<std::int64_t()> clock_us_;
  Folder* const folder_ PT_GUARDED_BY(mu_);
  CommandGroup group_ GUARDED_BY(mu_);
  LogHead head_ GUARDED_BY(mu_);
  std::vector<std::string> records_ GUARDED_BY(mu_);  // records_[seq - 1]
  MapStateTable state_ GUARDED_BY(mu_);
  std::function<bool(const Event&)> fail_matching_ GUARDED_BY(mu_);
  Status fail_error_ GUARDED_BY(mu_);
  int fail_times_ GUARDED_BY(mu_) = 0;
};

}  // namespace distsync
