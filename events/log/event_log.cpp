#include "events/log/event_log.h"

#include "events/log/plain_append.h"

namespace distsync {

Status PlainAppend::operator()(std::uint64_t head, std::vector<EventDraft>* out) {
  if (expected_ && *expected_ != head) {
    return Status::conflict("expected the log to end at seq " + std::to_string(*expected_) +
                            ", it ends at " + std::to_string(head));
  }
  // A swap, not a move: `out` is the log's reused (emptied) vector, whose storage stays here
  // and is freed with the command, so the log's writer frees no storage of the caller's.
  out->clear();
  out->swap(batch_);
  return Status::ok();
}

std::future<Result<AppendResult>> EventLog::append_async(
    std::vector<EventDraft> batch, std::optional<std::uint64_t> expected_last_seq) {
  return submit_append(std::move(batch), expected_last_seq);
}

std::future<Result<AppendResult>> EventLog::submit_append(
    std::vector<EventDraft> batch, std::optional<std::uint64_t> expected_last_seq) {
  return submit(PlainAppend(std::move(batch), expected_last_seq));
}

Result<AppendResult> EventLog::append(std::vector<EventDraft> batch,
                                      std::optional<std::uint64_t> expected_last_seq) {
  return append_async(std::move(batch), expected_last_seq).get();
}

}  // namespace distsync
