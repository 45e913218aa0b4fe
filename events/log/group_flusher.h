// GroupFlusher: the thread that makes the log writer's committed groups durable, answers
// their callers, and frees them, while the writer runs the next group.
//
// The writer hands over every group it is done with, committed or refused as a whole, in
// commit order (hand_over). The flusher takes all groups handed over so far and, when any of
// them committed, calls `flush` once: an fsync that starts after their commits returned, so
// it makes every one of them durable. Only then does it answer each command's Ticket
// (events/log/ticket.h): with the command's result, with the group's failure, or, when the
// flush failed, with the flush's error. Then it reports the last seq made durable through
// `on_durable` (not called when the flush failed or nothing was appended), wakes the callers,
// and frees the groups' commands and events, so that the writer frees none of them. An
// emptied events vector comes back to the writer through take_spare(), to reuse its storage.
//
// What a caller may rely on: a ticket is done only after a flush that began after its
// group's commit returned; groups are answered in the order they were handed over;
// on_durable() sees seqs that only grow, and runs before the callers of those groups wake.
//
// Threads: the constructor starts the flusher's thread; hand_over() and take_spare() may be
// called from any thread. stop() answers every group handed over before it, then joins (the
// destructor stops). `flush` and `on_durable` run on the flusher's thread; with `answers`
// they must stay valid until stop() returns.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "events/log/command_group.h"
#include "events/log/event_log.h"
#include "events/log/plain_append.h"
#include "events/log/ticket.h"
#include "events/mutex.h"
#include "events/thread_annotations.h"

namespace distsync {

// A submitted command, waiting for the writer: `plain` when it is a plain append (queued as
// it is, not wrapped in a Command), else `command`.
struct Pending {
  Command command;
  std::optional<PlainAppend> plain;
  std::shared_ptr<Ticket> ticket;
};

// A group the writer is done with, on its way to its callers.
struct GroupOutcome {
  std::deque<Pending> batch;
  std::vector<Result<AppendResult>> results;  // one per command when committed
  Status failure = Status::ok();              // not ok: nothing of the group was appended
  std::vector<StampedEvent> stamped;          // the group's events, freed by the flusher
  std::uint64_t last_seq = 0;                 // the group's last seq; 0 when it appended none
  bool committed = false;
};

class GroupFlusher {
 public:
  // `flush` makes every commit that returned before it was called durable.
  GroupFlusher(std::function<Status()> flush, std::function<void(std::uint64_t)> on_durable,
               std::shared_ptr<Answers> answers);
  ~GroupFlusher();
  GroupFlusher(const GroupFlusher&) = delete;
  GroupFlusher& operator=(const GroupFlusher&) = delete;

  void hand_over(GroupOutcome outcome);
  // An emptied events vector of a freed group (no capacity when there is none).
  std::vector<StampedEvent> take_spare();
  void stop();

 private:
  void loop();
  void answer(std::vector<GroupOutcome>& outcomes, const Status& flushed);

  const std::function<Status()> flush_;
  const std::function<void(std::uint64_t)> on_durable_;
  const std::shared_ptr<Answers> answers_;

  Mutex mu_;
  CondVar cv_;
  std::vector<GroupOutcome> to_flush_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::vector<StampedEvent> spare_stamped_ GUARDED_BY(mu_);  // emptied, for the writer
  std::thread thread_;
};

}  // namespace distsync
