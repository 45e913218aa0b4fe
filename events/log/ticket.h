// Ticket: where one submitted command's answer waits for its caller.
//
// LmdbEventLog answers a command once per group (no promise, no wake-up per command): the
// GroupFlusher (events/log/group_flusher.h) writes the ticket's result, sets done, and after
// the whole group notifies the log's one Answers condition variable; the caller's future is a
// std::launch::deferred one that runs await_answer() in the caller's thread. A std::promise
// would cost two futex wake-ups per command (its call_once always wakes, then the future's
// waiter); tickets cost one notify_all per group.
//
// Answers is shared by the log and every outstanding future, so a future stays valid after
// the log is gone (it is answered by then: close() drains the queue). Thread-safe: one
// thread answers a ticket, one waits for it.
#pragma once

#include <atomic>
#include <optional>

#include "events/log/event_log.h"
#include "events/mutex.h"

namespace distsync {

struct Answers {
  Mutex mu;
  CondVar cv;  // notified once per group, after its tickets are done
};

struct Ticket {
  std::atomic<bool> done{false};
  std::optional<Result<AppendResult>> result;  // written before done is set
};

// Blocks until `ticket` is done, then takes its result.
inline Result<AppendResult> await_answer(Answers& answers, Ticket& ticket) {
  if (!ticket.done.load(std::memory_order_acquire)) {
    MutexLock lock(&answers.mu);
    while (!ticket.done.load(std::memory_order_acquire)) answers.cv.wait(&answers.mu);
  }
  return std::move(*ticket.result);
}

// After setting done on tickets: wakes their waiters. A caller that saw its ticket not done
// under the lock is waiting by the time this lock is taken, so it gets the notification.
inline void wake_waiters(Answers& answers) {
  { MutexLock lock(&answers.mu); }
  answers.cv.notify_all();
}

}  // namespace distsync
