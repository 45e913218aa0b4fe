#include "tools/web/event_feed.h"

#include <nlohmann/json.hpp>

#include "events/codec.h"
#include "tools/client/control_client.h"
#include "tools/client/event_stream.h"
#include "tools/web/op_policy.h"

namespace distsync {

EventFeed::EventFeed(std::string control_endpoint, std::uint64_t from_seq, std::size_t capacity,
                     std::chrono::milliseconds timeout)
    : control_endpoint_(std::move(control_endpoint)),
      capacity_(capacity),
      timeout_(timeout),
      next_seq_(from_seq),
      first_buffered_(from_seq) {
  thread_ = std::thread([this] { run(); });
}

EventFeed::~EventFeed() {
  stop();
  thread_.join();
}

void EventFeed::stop() {
  MutexLock lock(&mu_);
  stop_ = true;
  cv_.notify_all();
}

std::uint64_t EventFeed::last_seq() {
  MutexLock lock(&mu_);
  return next_seq_ - 1;
}

FeedBatch EventFeed::wait_after(std::uint64_t seq, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(&mu_);
  while (!stop_ && next_seq_ <= seq + 1 && seq + 1 >= first_buffered_ &&
         cv_.wait_until(&mu_, deadline)) {
  }
  FeedBatch batch;
  batch.first_buffered = first_buffered_;
  batch.stopping = stop_;
  if (seq + 1 < first_buffered_) return batch;
  for (const auto& item : ring_) {
    if (item.first > seq) batch.events.push_back(item);
  }
  return batch;
}

void EventFeed::push(std::uint64_t seq, std::string json) {
  MutexLock lock(&mu_);
  ring_.emplace_back(seq, std::move(json));
  while (ring_.size() > capacity_) {
    ring_.pop_front();
    first_buffered_ = ring_.front().first;
  }
  next_seq_ = seq + 1;
  cv_.notify_all();
}

void EventFeed::run() {
  for (;;) {
    std::uint64_t from = 0;
    {
      MutexLock lock(&mu_);
      if (stop_) return;
      from = next_seq_;
    }
    auto control = ControlClient::connect(control_endpoint_, timeout_);
    std::unique_ptr<EventStream> stream;
    if (control.ok()) {
      auto status = (*control)->call("status");
      if (status.ok()) {
        EventStreamOptions options;
        options.from_seq = from;
        auto opened =
            EventStream::open(control->get(), status->value("bus_endpoint", ""), options);
        if (opened.ok()) stream = std::move(*opened);
      }
    }
    while (stream) {
      {
        MutexLock lock(&mu_);
        if (stop_) return;
      }
      auto next = stream->next(std::chrono::milliseconds(250));
      if (!next.ok()) break;  // reconnect from the last event pushed
      if (!next->has_value()) continue;
      const Event& e = **next;
      nlohmann::json j = nlohmann::json::parse(to_json(e), nullptr, false);
      push(e.seq, redact_secrets(std::move(j)).dump(-1, ' ', false,
                                                   nlohmann::json::error_handler_t::replace));
    }
    MutexLock lock(&mu_);
    const auto retry = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (!stop_ && cv_.wait_until(&mu_, retry)) {
    }
  }
}

}  // namespace distsync
