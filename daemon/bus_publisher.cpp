#include "daemon/bus_publisher.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <array>
#include <charconv>
#include <thread>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "daemon/control_server.h"
#include "daemon/security/curve_connections.h"
#include "events/codec.h"
#include "events/codec_in_place.h"
#include "events/event_json.h"

namespace distsync {

class BusPublisher::Impl {
 public:
  Impl(BusOptions options, EventLog* log, std::uint64_t start_after)
      : options_(std::move(options)),
        log_(log),
        socket_(context_, zmq::socket_type::xpub),
        last_(start_after) {}

  ~Impl() {
    stop();
    socket_.close();
    if (bound_) remove_ipc_socket(options_.endpoint);
  }

  Status bind() {
    Status s = prepare_ipc_dir(options_.endpoint);
    if (!s.is_ok()) return s;
    auto zap = secure_if_tcp(context_.handle(), socket_.handle(), options_.endpoint,
                             options_.curve, "bus", "distsync-bus");
    if (!zap.ok()) return zap.status();
    zap_ = std::move(zap).value();
    if (zap_) connections_.emplace(options_.curve->clients);
    try {
      // Every subscription comes up, each naming its connection and key, so that a key
      // removed from the clients file has its subscriptions shut down (curve_connections.h).
      if (connections_) socket_.set(zmq::sockopt::xpub_verbose, true);
      socket_.set(zmq::sockopt::sndhwm, options_.high_water_mark);
      socket_.set(zmq::sockopt::linger, 1000);
      mode_t old = umask(0007);
      try {
        socket_.bind(options_.endpoint);
      } catch (...) {
        umask(old);
        throw;
      }
      umask(old);
    } catch (const zmq::error_t& e) {
      return Status::unavailable("cannot bind bus endpoint " + options_.endpoint + ": " + e.what());
    }
    bound_ = true;
    s = restrict_ipc_socket(options_.endpoint);
    if (!s.is_ok()) return s;
    // From here on only the thread touches the socket.
    thread_ = std::thread([this] { run(); });
    return Status::ok();
  }

  void stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }

  std::uint64_t last_published() const { return last_.load(); }

 private:
  void run() {
    for (;;) {
      bool stopping = stop_.load();
      std::uint64_t last = last_.load();
      std::uint64_t head =
          stopping ? log_->last_seq() : log_->wait_for_append(last, options_.poll_interval);
      // After the wait, right before publishing: an event appended after a key's removal
      // (a SIGHUP taken by this sweep at the latest) never reaches that key's connections.
      take_subscriptions();
      if (connections_) (void)connections_->sweep();
      if (head > last) publish_range(last + 1, head);
      if (stopping) return;
    }
  }

  // The subscriptions (and unsubscriptions) that came up since the last look. Read even when
  // nothing notes them: an XPUB keeps them queued until they are.
  void take_subscriptions() {
    for (;;) {
      zmq::message_t msg;
      try {
        if (!socket_.recv(msg, zmq::recv_flags::dontwait)) return;
      } catch (const zmq::error_t& e) {
        spdlog::warn("bus: reading subscriptions failed: {}", e.what());
        return;
      }
      if (connections_) connections_->note(msg.handle());
    }
  }

  // One read transaction for the whole range; the event, its JSON and the seq text reuse
  // their buffers from record to record, so a record costs a decode, an encode and the
  // three sends (ZeroMQ copies the frames).
  void publish_range(std::uint64_t from, std::uint64_t to) {
    Status s = log_->scan_records(from, to, [&](std::uint64_t seq, std::string_view record) {
      Status d = decode_record_into(record, &event_);
      if (!d.is_ok()) {
        // Skip it rather than spin on it; a subscriber that fetches the gap over control
        // gets the same Corruption, naming the record.
        spdlog::error("bus: cannot publish seq {}: {}", seq, d.to_string());
        last_.store(seq);
        return true;
      }
      const std::string_view type = event_.type();
      char seq_text[24];
      const auto printed = std::to_chars(seq_text, seq_text + sizeof seq_text, seq);
      json_.clear();
      json_writer_.append(&json_, event_);
      std::array<zmq::const_buffer, 3> frames = {
          zmq::const_buffer(type.data(), type.size()),
          zmq::const_buffer(seq_text, static_cast<std::size_t>(printed.ptr - seq_text)),
          zmq::const_buffer(json_.data(), json_.size())};
      try {
        // PUB never blocks: at the high-water mark it drops for that subscriber.
        (void)zmq::send_multipart(socket_, frames, zmq::send_flags::dontwait);
      } catch (const zmq::error_t& err) {
        spdlog::warn("bus: publish of seq {} failed: {}", seq, err.what());
      }
      last_.store(seq, std::memory_order_release);
      return true;
    });
    if (!s.is_ok()) spdlog::error("bus: scan from seq {} failed: {}", from, s.to_string());
  }

  BusOptions options_;
  EventLog* log_;
  zmq::context_t context_{1};
  std::unique_ptr<ZapHandler> zap_;  // declared after the context: stopped before it ends
  std::optional<CurveConnections> connections_;  // tcp only; the thread's once it runs
  zmq::socket_t socket_;
  std::atomic<std::uint64_t> last_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  bool bound_ = false;
  // The publishing thread's scratch.
  Event event_;
  std::string json_;
  EventJsonWriter json_writer_;
};

BusPublisher::BusPublisher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BusPublisher::~BusPublisher() { impl_->stop(); }

Result<std::unique_ptr<BusPublisher>> BusPublisher::start(BusOptions options, EventLog* log,
                                                          std::uint64_t start_after) {
  auto impl = std::make_unique<Impl>(std::move(options), log, start_after);
  Status s = impl->bind();
  if (!s.is_ok()) return s;
  return std::unique_ptr<BusPublisher>(new BusPublisher(std::move(impl)));
}

void BusPublisher::stop() { impl_->stop(); }
std::uint64_t BusPublisher::last_published() const { return impl_->last_published(); }

}  // namespace distsync
