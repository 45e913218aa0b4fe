#include "events/log/event_log.h"

#include "events/log/plain_append.h"

#include <iterator>

namespace distsync {

Status PlainAppend::operator()(std::uint64_t head, std::vector<EventDraft>* out) {
  if (expected_ && *expected_ != head) {
    return Status::conflict("expected the log to end at seq " + std::to_string(*expected_) +
                            ", it ends at " + std::to_string(head));
  }
  // The drafts are moved one by one into the log's own vector: the batch's storage stays
  // here, so it is freed with the command rather than by the log's writer.
  out->insert(out->end(), std::make_move_iterator(batch_.begin()),
              std::make_move_iterator(batch_.end()));
  batch_.clear();
  return Status::ok();
}

std::future<Result<AppendResult>> EventLog::append_async(
    std::vector<EventDraft> batch, std::optional<std::uint64_t> expected_last_seq) {
  return submit(PlainAppend(std::move(batch), expected_last_seq));
}

Result<AppendResult> EventLog::append(std::vector<EventDraft> batch,
                                      std::optional<std::uint64_t> expected_last_seq) {
  return append_async(std::move(batch), expected_last_seq).get();
}

}  // namespace distsync
