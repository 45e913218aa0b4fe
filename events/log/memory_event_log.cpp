#include "events/log/memory_event_log.h"

#include <chrono>

#include "events/codec.h"

namespace distsync {

static std::int64_t system_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

MemoryEventLog::MemoryEventLog(std::string console, Folder* folder,
                               std::function<std::int64_t()> clock_us)
    : clock_us_(clock_us ? std::move(clock_us) : system_now_us),
      folder_(folder),
      group_(std::move(console), folder) {}

std::future<Result<AppendResult>> MemoryEventLog::submit(Command command) {
  MutexLock lock(&mu_);
  std::promise<Result<AppendResult>> promise;
  MapStateTable& table = state_;
  if (folder_) {
    for (std::uint64_t seq = folder_->sync(head_.seq, table) + 1; seq <= head_.seq; ++seq) {
      auto e = decode_record(records_[seq - 1]);
      if (e.ok()) folder_->apply(*e);
    }
  }
  group_.clear();
  const LogHead before = head_;
  Result<AppendResult> result = group_.run(command, clock_us_(), &head_);
  if (fail_times_ > 0 && result.ok()) {
    for (const StampedEvent& s : group_.stamped()) {
      if (!fail_matching_(s.event)) continue;
      --fail_times_;
      group_.clear();
      head_ = before;
      if (folder_) {
        folder_->discard();
        folder_->sync(head_.seq, table);
      }
      result = fail_error_;
      break;
    }
  }
  for (const StampedEvent& s : group_.stamped()) records_.emplace_back(group_.record(s));
  if (folder_ && !group_.stamped().empty()) folder_->save(table);
  if (folder_) folder_->committed();
  promise.set_value(std::move(result));
  appended_.notify_all();
  return promise.get_future();
}

std::uint64_t MemoryEventLog::last_seq() {
  MutexLock lock(&mu_);
  return head_.seq;
}

Hash256 MemoryEventLog::last_hash() {
  MutexLock lock(&mu_);
  return head_.hash;
}

Result<std::vector<Event>> MemoryEventLog::read(std::uint64_t from, std::uint64_t to,
                                                std::size_t limit) {
  std::vector<Event> out;
  Status s = scan_records(from, to, [&](std::uint64_t, std::string_view record) {
    auto e = decode_record(record);
    if (!e.ok()) return false;
    out.push_back(std::move(e).value());
    return out.size() < limit;
  });
  if (!s.is_ok()) return s;
  return out;
}

Status MemoryEventLog::scan_records(std::uint64_t from, std::uint64_t to,
                                    const std::function<bool(std::uint64_t, std::string_view)>& fn) {
  MutexLock lock(&mu_);
  if (from == 0) from = 1;
  for (std::uint64_t seq = from; seq <= to && seq <= records_.size(); ++seq) {
    if (!fn(seq, records_[seq - 1])) break;
  }
  return Status::ok();
}

Result<std::uint64_t> MemoryEventLog::seq_at_time(std::int64_t time_us) {
  MutexLock lock(&mu_);
  for (std::uint64_t seq = 1; seq <= records_.size(); ++seq) {
    auto e = decode_record(records_[seq - 1]);
    if (!e.ok()) return e.status();
    if (e->time_us >= time_us) return seq;
  }
  return static_cast<std::uint64_t>(records_.size() + 1);
}

Status MemoryEventLog::read_state(const std::function<void(std::uint64_t, StateTable&)>& fn) {
  MutexLock lock(&mu_);
  MapStateTable& table = state_;
  fn(head_.seq, table);
  return Status::ok();
}

std::uint64_t MemoryEventLog::wait_for_append(std::uint64_t after_seq,
                                              std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(&mu_);
  while (head_.seq <= after_seq && appended_.wait_until(&mu_, deadline)) {
  }
  return head_.seq;
}

void MemoryEventLog::set_console(std::string console) {
  MutexLock lock(&mu_);
  group_.set_console(std::move(console));
}

void MemoryEventLog::overwrite_record(std::uint64_t seq, std::string record) {
  MutexLock lock(&mu_);
  DISTSYNC_CHECK(seq >= 1 && seq <= records_.size());
  records_[seq - 1] = std::move(record);
}

void MemoryEventLog::fail_commits(std::function<bool(const Event&)> matches, Status error,
                                  int times) {
  MutexLock lock(&mu_);
  fail_matching_ = std::move(matches);
  fail_error_ = std::move(error);
  fail_times_ = times;
}

}  // namespace distsync
