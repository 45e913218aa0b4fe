#include "events/log/command_group.h"

#include <algorithm>
#include <cstring>
#include <exception>

#include "events/codec.h"
#include "events/codec_in_place.h"

namespace distsync {

Result<AppendResult> CommandGroup::run(const Command& command, std::int64_t now_us, LogHead* head) {
  std::vector<EventDraft>& drafts = drafts_;  // reused: no allocation per command
  drafts.clear();
  Status decided;
  try {
    decided = command(head->seq, &drafts);
  } catch (const std::exception& ex) {
    // A command is code above this layer; its exception must not unwind the writer.
    decided = Status::invalid_argument(std::string("command failed: ") + ex.what());
  }
  if (!decided.is_ok()) return decided;
  return stamp_drafts(now_us, head);
}

Result<AppendResult> CommandGroup::run(PlainAppend& append, std::int64_t now_us, LogHead* head) {
  drafts_.clear();
  Status decided = append(head->seq, &drafts_);
  if (!decided.is_ok()) return decided;
  return stamp_drafts(now_us, head);
}

Result<AppendResult> CommandGroup::stamp_drafts(std::int64_t now_us, LogHead* head) {
  AppendResult result;
  // Times never decrease with seq, so time ranges map to seq ranges.
  const std::int64_t time_us = std::max(now_us, head->time_us);
  for (EventDraft& d : drafts_) {
    StampedEvent s;
    s.event.seq = head->seq + 1;
    s.event.time_us = time_us;
    s.event.console = console_;
    s.event.correlation = std::move(d.correlation);
    s.event.payload = std::move(d.payload);
    s.event.prev_hash = head->hash;
    // record := prev_hash hash canonical, encoded in place (the hash is filled in last).
    s.record_begin = records_.size();
    records_.append(reinterpret_cast<const char*>(s.event.prev_hash.data()), 32);
    records_.append(32, '\0');
    append_canonical_bytes(&records_, s.event);
    s.record_size = records_.size() - s.record_begin;
    const std::string_view record = std::string_view(records_).substr(s.record_begin);
    s.event.hash = sha256(record.substr(0, 32), record.substr(64));
    std::memcpy(records_.data() + s.record_begin + 32, s.event.hash.data(), 32);
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

void CommandGroup::return_drafts(std::size_t begin, std::size_t end, std::vector<EventDraft>* out) {
  for (std::size_t i = begin; i < end && i < stamped_.size(); ++i) {
    out->push_back({std::move(stamped_[i].event.correlation), std::move(stamped_[i].event.payload)});
  }
}

}  // namespace distsync
