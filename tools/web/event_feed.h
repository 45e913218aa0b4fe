// EventFeed: one thread that follows the daemon's log through an EventStream (bus first,
// gaps filled over control, tools/client/event_stream.h) and keeps the latest events in a
// ring, so every Server-Sent Events connection of the web console is fed from one bus
// subscription.
//
// wait_after(seq) returns the buffered events after `seq`, in order, waiting up to `timeout`
// for one to arrive. When `seq` is older than the ring holds, it returns no events and
// `first_buffered` > seq + 1: the caller reads [seq + 1, first_buffered - 1] over control
// and asks again, so a page open all day still sees every event once, in order. A lost
// connection to the daemon is retried every second from the last event seen. Events are
// stored as JSON with secrets redacted (tools/web/op_policy.h).
// Thread-safe; the destructor stops and joins the thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "events/mutex.h"
#include "events/thread_annotations.h"

namespace distsync {

struct FeedBatch {
  std::vector<std::pair<std::uint64_t, std::string>> events;  // seq, event JSON
  std::uint64_t first_buffered = 0;  // the oldest seq the ring can answer for
  bool stopping = false;
};

class EventFeed {
 public:
  // Follows the log from `from_seq` on. `control_endpoint` is the daemon's control endpoint.
  EventFeed(std::string control_endpoint, std::uint64_t from_seq, std::size_t capacity,
            std::chrono::milliseconds timeout);
  ~EventFeed();
  EventFeed(const EventFeed&) = delete;
  EventFeed& operator=(const EventFeed&) = delete;

  FeedBatch wait_after(std::uint64_t seq, std::chrono::milliseconds timeout);
  // The newest seq seen (from_seq - 1 before any event).
  std::uint64_t last_seq();
  void stop();

 private:
  void run();
  void push(std::uint64_t seq, std::string json);

  const std::string control_endpoint_;
  const std::size_t capacity_;
  const std::chrono::milliseconds timeout_;
  Mutex mu_;
  CondVar cv_;
  std::deque<std::pair<std::uint64_t, std::string>> ring_ GUARDED_BY(mu_);
  std::uint64_t next_seq_ GUARDED_BY(mu_);  // the seq the feed waits for
  std::uint64_t first_buffered_ GUARDED_BY(mu_);
  bool stop_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace distsync
