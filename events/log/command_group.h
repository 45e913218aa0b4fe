// CommandGroup: runs a group of commands against the log head, in order, and stamps the
// events they decide on with seq, time, console and the hash chain.
//
// Shared by every EventLog implementation: they differ only in where the stamped records go.
// Each command sees the head and the folded effects of the commands before it. A refused
// command contributes no events. Not thread-safe; used by one writer at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/log/event_log.h"
#include "events/log/plain_append.h"

namespace distsync {

struct LogHead {
  std::uint64_t seq = 0;
  Hash256 hash{};
  std::int64_t time_us = 0;
};

// An event the group stamped; its record (encode_record(event)) is in the group's records().
struct StampedEvent {
  Event event;
  std::size_t record_begin = 0;
  std::size_t record_size = 0;
};

class CommandGroup {
 public:
  // `folder` may be null. It must outlive the group.
  CommandGroup(std::string console, Folder* folder) : console_(std::move(console)), folder_(folder) {}

  // Runs `command` against `head`, advancing it. Returns the command's own outcome; its
  // events are appended to stamped().
  Result<AppendResult> run(const Command& command, std::int64_t now_us, LogHead* head);
  // The same for a plain append, without the std::function around it.
  Result<AppendResult> run(PlainAppend& append, std::int64_t now_us, LogHead* head);

  const std::vector<StampedEvent>& stamped() const { return stamped_; }
  // The record of `s`, one of stamped(): valid until the next run() or clear(). The records
  // of a group share one buffer, so stamping an event allocates no string of its own.
  std::string_view record(const StampedEvent& s) const {
    return std::string_view(records_).substr(s.record_begin, s.record_size);
  }
  // Moves the correlation and payload of stamped()[begin, end) back into drafts, appended to
  // `out`: what a command that moved its drafts in (PlainAppend) needs before it runs again.
  void return_drafts(std::size_t begin, std::size_t end, std::vector<EventDraft>* out);
  void reserve(std::size_t events) { stamped_.reserve(events); }
  // Hands the stamped events over (the group is left empty but for records(), which clear()
  // empties), so that another thread can free them; adopt() takes such a vector back, emptied,
  // to reuse its capacity.
  std::vector<StampedEvent> release() {
    std::vector<StampedEvent> out;
    out.swap(stamped_);
    return out;
  }
  void adopt(std::vector<StampedEvent> storage) {
    if (stamped_.empty() && storage.empty()) stamped_ = std::move(storage);
  }
  void set_console(std::string console) { console_ = std::move(console); }
  // Keeps the capacity of a usual group; a huge one (a bulk import) is not held on to.
  void clear() {
    stamped_.clear();
    records_.clear();
    if (stamped_.capacity() > 65536) stamped_.shrink_to_fit();
    if (records_.capacity() > (std::size_t{32} << 20)) std::string().swap(records_);
    if (drafts_.capacity() > 65536) std::vector<EventDraft>().swap(drafts_);
  }

 private:
  std::string console_;
  Folder* folder_;
  std::vector<StampedEvent> stamped_;
  std::string records_;  // the records of stamped_, back to back
  // Stamps drafts_ (what the running command decided) against `head`, advancing it.
  Result<AppendResult> stamp_drafts(std::int64_t now_us, LogHead* head);

  std::vector<EventDraft> drafts_;  // what the running command decided
};

}  // namespace distsync
