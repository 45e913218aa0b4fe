// EventStream: every event of a console's log from a given seq on, in order, without gaps,
// first the history and then live.
//
// It subscribes to the bus FIRST, then reads [from, head] over the control endpoint in pages
// ("events.read"), then follows the bus. Bus events at or below the last delivered seq are
// dropped; a jump (the bus dropped messages for a slow subscriber, or the subscription
// started late) is repaired by fetching the missing range over control before anything
// newer is delivered. When the bus is quiet for idle_check, it asks for the head over
// control, so a message lost while the subscription was being set up is still delivered.
// Not thread-safe. The ControlClient must outlive the stream.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "events/event.h"
#include "events/result.h"
#include "tools/client/control_client.h"

namespace distsync {

struct EventStreamOptions {
  std::uint64_t from_seq = 1;
  std::size_t page_size = 1000;
  std::chrono::milliseconds idle_check{500};
};

class EventStream {
 public:
  static Result<std::unique_ptr<EventStream>> open(ControlClient* control,
                                                   const std::string& bus_endpoint,
                                                   EventStreamOptions options);
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // The event after the last one delivered, waiting up to `timeout`; nullopt when none
  // arrived in time.
  Result<std::optional<Event>> next(std::chrono::milliseconds timeout);

  // The head of the log as last seen over control or on the bus.
  std::uint64_t known_head() const;
  std::uint64_t last_delivered() const;
  // Gaps on the bus that were filled over control.
  std::uint64_t gaps_repaired() const;

  class Impl;

 private:
  explicit EventStream(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
