// distsync_bus_bench [EVENTS]: event bus delivery to one subscriber.
//
// Figure: events/s from the moment EVENTS (default 200,000) workload events become durable in
// one transaction until a SUB socket has received the last of them through the real
// BusPublisher (which tails the log: scan, decode, to_json, three-frame send). Baseline: raw
// ZeroMQ PUB/SUB over ipc sending the very same three frames (precomputed), same count, in
// the same run. The subscriber is connected and has received a warm-up message before
// either timed part, so neither pays ZeroMQ's slow-joiner loss. Both sides use unlimited
// high-water marks, so a shortfall shows up as time, not as drops (drops are printed).
// Target: bus >= 40% of raw. Not a test.
#include <array>
#include <thread>
#include <zmq.hpp>

#include "bench/bench_workload.h"
#include "daemon/bus_publisher.h"
#include "events/codec.h"
#include "events/log/lmdb_event_log.h"

namespace {

using namespace distsync;
using namespace distsync::bench;
namespace fs = std::filesystem;

struct Received {
  std::uint64_t messages = 0;
  std::uint64_t last_seq = 0;
  Clock::time_point last_at;
};

// Receives three-frame messages until one carries seq `until`; stops early when a message
// carries seq 0 and `until` is 0 (warm-up) or after 2 s of silence.
Received receive_until(zmq::socket_t& sub, std::uint64_t until) {
  Received r;
  sub.set(zmq::sockopt::rcvtimeo, 2000);
  for (;;) {
    zmq::message_t type, seq, body;
    if (!sub.recv(type) || !type.more() || !sub.recv(seq) || !seq.more() || !sub.recv(body)) break;
    ++r.messages;
    r.last_seq = std::strtoull(std::string(seq.to_string_view()).c_str(), nullptr, 10);
    r.last_at = Clock::now();
    if (r.last_seq >= until) break;
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t events = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200000;
  const fs::path work = make_temp_dir("distsync-bus-bench");
  if (work.empty()) return std::perror("mkdtemp"), 1;
  zmq::context_t ctx(1);
  std::printf("distsync_bus_bench: events=%llu\n", static_cast<unsigned long long>(events));

  // Through the real BusPublisher.
  double bus_rate = 0, bus_cpu_us = 0, raw_cpu_us = 0;  // CPU: process, every thread
  std::uint64_t bus_received = 0;
  std::vector<std::array<std::string, 3>> frames;  // what the publisher sent, for the baseline
  {
    LmdbLogOptions o;
    o.dir = (work / "log").string();
    o.console = "bench-console";
    o.initial_map_bytes = std::size_t{1} << 30;
    auto log = LmdbEventLog::open(o);
    if (!log.ok()) return std::fprintf(stderr, "open: %s\n", log.status().to_string().c_str()), 1;
    BusOptions bo;
    bo.endpoint = "ipc://" + (work / "bus").string();
    bo.high_water_mark = 0;
    auto bus = BusPublisher::start(bo, log->get(), 0);
    if (!bus.ok()) return std::fprintf(stderr, "bus: %s\n", bus.status().to_string().c_str()), 1;
    zmq::socket_t sub(ctx, zmq::socket_type::sub);
    sub.set(zmq::sockopt::rcvhwm, 0);
    sub.set(zmq::sockopt::subscribe, "");
    sub.connect(bo.endpoint);
    // Warm up: append single events until one arrives (the subscription has reached the PUB).
    for (int i = 0;; ++i) {
      std::vector<EventDraft> one{workload_event(0)};
      auto r = (*log)->append(std::move(one));
      if (!r.ok() || i > 50) return std::fprintf(stderr, "bus warm-up failed\n"), 1;
      sub.set(zmq::sockopt::rcvtimeo, 200);
      zmq::message_t m;
      if (sub.recv(m)) break;
    }
    // Drain warm-up leftovers.
    for (zmq::message_t m; sub.recv(m, zmq::recv_flags::dontwait);) {
    }
    const std::uint64_t first = (*log)->last_seq() + 1;
    std::vector<EventDraft> batch;
    batch.reserve(events);
    for (std::uint64_t i = 0; i < events; ++i) batch.push_back(workload_event(i));
    std::uint64_t last = 0;
    Received got;
    auto r = (*log)->append(std::move(batch));
    auto t0 = Clock::now();  // durable from here on; the publisher may already be sending
    const double cpu0 = process_cpu_seconds();
    if (!r.ok()) return std::fprintf(stderr, "append: %s\n", r.status().to_string().c_str()), 1;
    last = r->last_seq;
    got = receive_until(sub, last);
    bus_cpu_us = (process_cpu_seconds() - cpu0) * 1e6 / static_cast<double>(std::max<std::uint64_t>(1, got.messages));
    bus_received = got.messages;
    bus_rate = static_cast<double>(got.messages) / std::chrono::duration<double>(got.last_at - t0).count();
    (*bus)->stop();
    // The frames the publisher sent, rebuilt from the log, for the raw baseline.
    frames.reserve(events);
    Status s = (*log)->scan_records(first, last, [&](std::uint64_t seq, std::string_view rec) {
      auto e = decode_record(rec);
      if (e.ok()) frames.push_back({std::string(e->type()), std::to_string(seq), to_json(*e)});
      return true;
    });
    (*log)->close();
    if (!s.is_ok()) return 1;
  }

  // Raw ZeroMQ PUB/SUB, same frames.
  double raw_rate = 0;
  std::uint64_t raw_received = 0;
  {
    const std::string ep = "ipc://" + (work / "raw").string();
    zmq::socket_t pub(ctx, zmq::socket_type::pub);
    pub.set(zmq::sockopt::sndhwm, 0);
    pub.bind(ep);
    zmq::socket_t sub(ctx, zmq::socket_type::sub);
    sub.set(zmq::sockopt::rcvhwm, 0);
    sub.set(zmq::sockopt::subscribe, "");
    sub.connect(ep);
    sub.set(zmq::sockopt::rcvtimeo, 100);
    for (int i = 0;; ++i) {
      pub.send(zmq::str_buffer("warm"), zmq::send_flags::sndmore);
      pub.send(zmq::str_buffer("0"), zmq::send_flags::sndmore);
      pub.send(zmq::str_buffer("{}"));
      zmq::message_t m;
      if (sub.recv(m)) break;
      if (i > 100) return std::fprintf(stderr, "raw warm-up failed\n"), 1;
    }
    for (zmq::message_t m; sub.recv(m, zmq::recv_flags::dontwait);) {
    }
    const std::uint64_t last = frames.empty() ? 0 : std::strtoull(frames.back()[1].c_str(), nullptr, 10);
    Received got;
    std::thread receiver([&] { got = receive_until(sub, last); });
    auto t0 = Clock::now();
    const double cpu0 = process_cpu_seconds();
    for (const auto& f : frames) {
      pub.send(zmq::buffer(f[0]), zmq::send_flags::sndmore);
      pub.send(zmq::buffer(f[1]), zmq::send_flags::sndmore);
      pub.send(zmq::buffer(f[2]));
    }
    receiver.join();
    raw_cpu_us = (process_cpu_seconds() - cpu0) * 1e6 / static_cast<double>(std::max<std::uint64_t>(1, got.messages));
    raw_received = got.messages;
    raw_rate = static_cast<double>(got.messages) / std::chrono::duration<double>(got.last_at - t0).count();
  }

  std::size_t json_bytes = 0;
  for (const auto& f : frames) json_bytes += f[2].size();
  print_figure("bus_delivery", bus_rate, "events/s", raw_rate,
               target_at_least(bus_rate / raw_rate, 0.4, "0.40x raw"));
  std::printf("  (CPU from durable to received: %.2f us per event through the bus, %.2f us raw)\n",
              bus_cpu_us, raw_cpu_us);
  std::printf("  (received %llu of %llu through the bus, %llu of %zu raw; mean JSON frame %.0f bytes)\n",
              static_cast<unsigned long long>(bus_received), static_cast<unsigned long long>(events),
              static_cast<unsigned long long>(raw_received), frames.size(),
              frames.empty() ? 0.0 : static_cast<double>(json_bytes) / static_cast<double>(frames.size()));
  std::error_code ec;
  fs::remove_all(work, ec);
  return 0;
}
