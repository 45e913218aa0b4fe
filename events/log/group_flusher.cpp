#include "events/log/group_flusher.h"

#include <utility>

namespace distsync {

GroupFlusher::GroupFlusher(std::function<Status()> flush,
                           std::function<void(std::uint64_t)> on_durable,
                           std::shared_ptr<Answers> answers)
    : flush_(std::move(flush)), on_durable_(std::move(on_durable)), answers_(std::move(answers)) {
  thread_ = std::thread([this] { loop(); });
}

GroupFlusher::~GroupFlusher() { stop(); }

void GroupFlusher::hand_over(GroupOutcome outcome) {
  {
    MutexLock lock(&mu_);
    to_flush_.push_back(std::move(outcome));
  }
  cv_.notify_one();
}

std::vector<StampedEvent> GroupFlusher::take_spare() {
  std::vector<StampedEvent> storage;
  MutexLock lock(&mu_);
  storage.swap(spare_stamped_);
  return storage;
}

void GroupFlusher::stop() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

// Every group in the hand-over was committed before this thread took it, so one flush
// started afterwards makes all of them durable (for LMDB: their data pages were flushed in
// the commit, their meta page written before the commit returned; the flush writes that
// page out). Only then are their callers answered.
void GroupFlusher::loop() {
  for (;;) {
    std::vector<GroupOutcome> outcomes;
    {
      MutexLock lock(&mu_);
      while (!stopping_ && to_flush_.empty()) cv_.wait(&mu_);
      if (to_flush_.empty()) return;  // stopping, and every group is answered
      outcomes.swap(to_flush_);
    }
    bool any_committed = false;
    for (const GroupOutcome& o : outcomes) any_committed = any_committed || o.committed;
    const Status flushed = any_committed ? flush_() : Status::ok();
    answer(outcomes, flushed);
    // The commands and events of these groups are freed here, not on the writer.
    std::vector<StampedEvent> storage;
    for (GroupOutcome& o : outcomes) {
      o.stamped.clear();
      if (storage.capacity() == 0 && o.stamped.capacity() <= 65536) storage.swap(o.stamped);
    }
    outcomes.clear();
    if (storage.capacity() > 0) {
      MutexLock lock(&mu_);
      if (spare_stamped_.capacity() == 0) spare_stamped_.swap(storage);
    }
  }
}

void GroupFlusher::answer(std::vector<GroupOutcome>& outcomes, const Status& flushed) {
  std::uint64_t durable = 0;
  for (GroupOutcome& o : outcomes) {
    for (std::size_t i = 0; i < o.batch.size(); ++i) {
      Ticket& t = *o.batch[i].ticket;
      if (!o.committed) {
        t.result.emplace(o.failure);
      } else if (!flushed.is_ok()) {
        t.result.emplace(flushed);
      } else {
        t.result.emplace(std::move(o.results[i]));
      }
      t.done.store(true, std::memory_order_release);
    }
    if (o.committed && o.last_seq != 0) durable = o.last_seq;
  }
  if (durable != 0 && flushed.is_ok()) on_durable_(durable);
  wake_waiters(*answers_);
}

}  // namespace distsync
