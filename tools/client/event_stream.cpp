#include "tools/client/event_stream.h"

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "events/codec.h"
#include "tools/client/endpoint_resolver.h"

namespace distsync {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

class EventStream::Impl {
 public:
  Impl(ControlClient* control, std::string bus_endpoint, EventStreamOptions options)
      : control_(control),
        bus_endpoint_(reachable_bus_endpoint(control->endpoint(), bus_endpoint)),
        options_(options),
        socket_(context_, zmq::socket_type::sub),
        last_(options.from_seq == 0 ? 0 : options.from_seq - 1) {}

  Status open() {
    // The bus of a remote console is a CURVE server too; the control connection's keys fit.
    if (control_->curve()) {
      if (Status s = apply_curve_client(socket_.handle(), *control_->curve()); !s.is_ok()) {
        return s;
      }
    }
    try {
      socket_.set(zmq::sockopt::linger, 0);
      socket_.set(zmq::sockopt::subscribe, "");
      socket_.connect(bus_endpoint_);
    } catch (const zmq::error_t& e) {
      return Status::invalid_argument("cannot subscribe to " + bus_endpoint_ + ": " + e.what());
    }
    return refresh_head();
  }

  Result<std::optional<Event>> next(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
      if (!pending_.empty()) {
        Event e = std::move(pending_.front());
        pending_.pop_front();
        last_ = e.seq;
        return std::optional<Event>(std::move(e));
      }
      if (known_head_ > last_) {
        Status s = fetch_page();
        if (!s.is_ok()) return s;
        continue;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return std::optional<Event>();
      auto wait = std::min(left, options_.idle_check);
      zmq_pollitem_t item = {socket_.handle(), 0, ZMQ_POLLIN, 0};
      int rc = zmq_poll(&item, 1, static_cast<long>(wait.count()));
      if (rc < 0 && zmq_errno() != EINTR) {
        return Status::io_error(std::string("bus poll failed: ") + zmq_strerror(zmq_errno()));
      }
      if (rc > 0) {
        auto delivered = take_bus_message();
        if (!delivered.ok()) return delivered.status();
        if (*delivered) return delivered;
      } else {
        Status s = refresh_head();
        if (!s.is_ok()) return s;
      }
    }
  }

  // One bus message: the next event, or nothing (old, or a gap noted in known_head_).
  Result<std::optional<Event>> take_bus_message() {
    std::vector<zmq::message_t> frames;
    try {
      if (!zmq::recv_multipart(socket_, std::back_inserter(frames), zmq::recv_flags::dontwait)) {
        return std::optional<Event>();
      }
    } catch (const zmq::error_t& e) {
      return Status::io_error(std::string("bus receive failed: ") + e.what());
    }
    if (frames.size() != 3)
      return Status::corruption("bus message with " + std::to_string(frames.size()) + " frames");
    std::uint64_t seq = 0;
    std::string seq_text = frames[1].to_string();
    try {
      seq = std::stoull(seq_text);
    } catch (...) {
      return Status::corruption("bus message with seq frame '" + seq_text + "'");
    }
    if (seq > known_head_) known_head_ = seq;
    if (seq != last_ + 1) {
      if (seq > last_ + 1) ++gaps_;  // repaired over control by the caller's loop
      return std::optional<Event>();
    }
    auto e = from_json(frames[2].to_string_view());
    if (!e.ok()) return e.status();
    last_ = seq;
    return std::optional<Event>(std::move(e).value());
  }

  Status refresh_head() {
    auto head = control_->call("events.head");
    if (!head.ok()) return head.status();
    std::uint64_t h = head->value("last_seq", std::uint64_t{0});
    if (h > known_head_) known_head_ = h;
    return Status::ok();
  }

  Status fetch_page() {
    std::uint64_t from = last_ + 1;
    std::uint64_t to = known_head_;
    auto reply = control_->call("events.read",
                                json{{"from", from}, {"to", to}, {"limit", options_.page_size}});
    if (!reply.ok()) return reply.status();
    const json& events = (*reply)["events"];
    std::uint64_t expect = from;
    for (const json& j : events) {
      auto e = from_json(j.dump());
      if (!e.ok()) return e.status();
      if (e->seq != expect) {
        return Status::corruption("events.read returned seq " + std::to_string(e->seq) + " where " +
                                  std::to_string(expect) + " was expected");
      }
      ++expect;
      pending_.push_back(std::move(e).value());
    }
    if (pending_.empty()) {
      return Status::corruption("daemon returned no events from seq " + std::to_string(from) +
                                " though its head is " + std::to_string(to));
    }
    return Status::ok();
  }

  ControlClient* control_;
  std::string bus_endpoint_;
  EventStreamOptions options_;
  zmq::context_t context_{1};
  zmq::socket_t socket_;
  std::deque<Event> pending_;  // fetched over control, not yet delivered
  std::uint64_t last_;
  std::uint64_t known_head_ = 0;
  std::uint64_t gaps_ = 0;
};

EventStream::EventStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventStream::~EventStream() = default;

Result<std::unique_ptr<EventStream>> EventStream::open(ControlClient* control,
                                                       const std::string& bus_endpoint,
                                                       EventStreamOptions options) {
  auto impl = std::make_unique<Impl>(control, bus_endpoint, options);
  Status s = impl->open();
  if (!s.is_ok()) return s;
  return std::unique_ptr<EventStream>(new EventStream(std::move(impl)));
}

Result<std::optional<Event>> EventStream::next(std::chrono::milliseconds timeout) {
  return impl_->next(timeout);
}
std::uint64_t EventStream::known_head() const { return impl_->known_head_; }
std::uint64_t EventStream::last_delivered() const { return impl_->last_; }
std::uint64_t EventStream::gaps_repaired() const { return impl_->gaps_; }

}  // namespace distsync
