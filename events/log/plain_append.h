// PlainAppend: the Command behind EventLog::append_async(): append a given batch, refusing
// with Conflict unless the log ends at the expected seq (when one is given).
//
// Running it moves the batch into the command's output instead of copying it (the copy of
// every draft of every one-event append cost the log's writer a tenth of its time). So a log
// that runs a command more than once (LmdbEventLog retries a transaction after growing its
// map) must first hand the drafts back through batch(). Not thread-safe: it belongs to the
// std::function that holds it.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "events/event.h"
#include "events/status.h"

namespace distsync {

class PlainAppend {
 public:
  PlainAppend(std::vector<EventDraft> batch, std::optional<std::uint64_t> expected_last_seq)
      : batch_(std::move(batch)), expected_(expected_last_seq) {}

  Status operator()(std::uint64_t head, std::vector<EventDraft>* out);

  // The drafts a run has not taken; a log that runs the command again refills it first.
  std::vector<EventDraft>& batch() { return batch_; }

 private:
  std::vector<EventDraft> batch_;
  std::optional<std::uint64_t> expected_;
};

}  // namespace distsync
