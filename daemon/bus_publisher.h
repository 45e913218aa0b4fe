// BusPublisher: publishes every event of the log on a ZeroMQ PUB socket.
//
// A thread tails the log (wait_for_append, then scan_records from the last published seq + 1),
// so events appended by any process sharing the data dir are published, in seq order, each as
// three frames: [type][seq as decimal][event JSON (events/codec.h)]. It decodes every record
// into one reused Event and writes the JSON into one reused buffer. Subscribers filter by
// type prefix. Slow-subscriber policy: the send high-water mark is bus_high_water_mark
// messages; ZeroMQ drops messages for a subscriber whose queue is full. Subscribers detect
// the gap from the seq frame and fetch the missing range over the control endpoint
// ("events.read"). The publisher never blocks the log or the control endpoint.
// A tcp:// endpoint is a CURVE server: only keys in options.curve's allowlist (either role)
// may subscribe, and a subscriber whose key leaves the clients file (SIGHUP or a change of the
// file) has its connection shut down within a poll_interval, so it gets no further event.
// The socket is an XPUB for that: each subscription names its key and connection
// (daemon/security/curve_connections.h). Thread-safe. The log must outlive the publisher; stop() (or the destructor)
// joins.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "daemon/security/zap_handler.h"
#include "events/log/event_log.h"
#include "events/result.h"

namespace distsync {

struct BusOptions {
  std::string endpoint;
  std::optional<CurveServerAuth> curve;  // REQUIRED for tcp://, unused otherwise
  int high_water_mark = 100000;
  // How long the tailer waits before re-reading the head; bounds the latency of events
  // appended by another process, of a removed key's disconnect, and of stop().
  std::chrono::milliseconds poll_interval{100};
};

class BusPublisher {
 public:
  // Binds the endpoint and starts publishing events after `start_after`.
  static Result<std::unique_ptr<BusPublisher>> start(BusOptions options, EventLog* log,
                                                     std::uint64_t start_after);
  ~BusPublisher();
  BusPublisher(const BusPublisher&) = delete;
  BusPublisher& operator=(const BusPublisher&) = delete;

  // Publishes what the log holds now, then stops the thread. Idempotent.
  void stop();
  std::uint64_t last_published() const;

  class Impl;

 private:
  explicit BusPublisher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
