#include "events/log/event_log.h"

namespace distsync {

std::future<Result<AppendResult>> EventLog::append_async(
    std::vector<EventDraft> batch, std::optional<std::uint64_t> expected_last_seq) {
  return submit([batch = std::move(batch), expected_last_seq](std::uint64_t head,
                                                               std::vector<EventDraft>* out) {
    if (expected_last_seq && *expected_last_seq != head) {
      return Status::conflict("expected the log to end at seq " + std::to_string(*expected_last_seq) +
                              ", it ends at " + std::to_string(head));
    }
    *out = batch;
    return Status::ok();
  });
}

Result<AppendResult> EventLog::append(std::vector<EventDraft> batch,
                                      std::optional<std::uint64_t> expected_last_seq) {
  return append_async(std::move(batch), expected_last_seq).get();
}

}  // namespace distsync
