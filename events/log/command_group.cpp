#include "events/log/command_group.h"

#include <algorithm>
#include <exception>

#include "events/codec.h"

namespace distsync {

Result<AppendResult> CommandGroup::run(const Command& command, std::int64_t now_us, LogHead* head) {
  std::vector<EventDraft> drafts;
  Status decided;
  try {
    decided = command(head->seq, &drafts);
  } catch (const std::exception& ex) {
    // A command is code above this layer; its exception must not unwind the writer.
    decided = Status::invalid_argument(std::string("command failed: ") + ex.what());
  }
  if (!decided.is_ok()) return decided;
  AppendResult result;
  // Times never decrease with seq, so time ranges map to seq ranges.
  const std::int64_t time_us = std::max(now_us, head->time_us);
  for (EventDraft& d : drafts) {
    StampedEvent s;
    s.event.seq = head->seq + 1;
    s.event.time_us = time_us;
    s.event.console = console_;
    s.event.correlation = std::move(d.correlation);
    s.event.payload = std::move(d.payload);
    s.event.prev_hash = head->hash;
    std::string body = canonical_bytes(s.event);
    s.event.hash = sha256(std::string_view(reinterpret_cast<const char*>(head->hash.data()), 32), body);
    s.record.reserve(64 + body.size());
    s.record.append(reinterpret_cast<const char*>(s.event.prev_hash.data()), 32);
    s.record.append(reinterpret_cast<const char*>(s.event.hash.data()), 32);
    s.record += body;
    head->seq = s.event.seq;
    head->hash = s.event.hash;
    head->time_us = time_us;
    if (result.first_seq == 0) result.first_seq = s.event.seq;
    result.last_seq = s.event.seq;
    if (folder_) folder_->apply(s.event);
    stamped_.push_back(std::move(s));
  }
  return result;
}

}  // namespace distsync
