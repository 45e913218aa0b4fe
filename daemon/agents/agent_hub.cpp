#include "daemon/agents/agent_hub.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <optional>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>
#include <zmq_addon.hpp>
#include "daemon/security/peer_connection.h"
#include "daemon/security/zap_responder.h"
#include "events/mutex.h"

namespace distsync {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::int64_t wall_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ExchangeImpl : public AgentHub::Exchange {
 public:
  ExchangeImpl(AgentHub::Impl* hub, std::uint64_t req, std::string agent)
      : hub_(hub), req_(req), agent_(std::move(agent)) {}
  std::uint64_t req() const override { return req_; }
  const std::string& agent() const { return agent_; }
  void send(AgentFrame frame) override;
  Result<AgentFrame> wait(std::chrono::milliseconds timeout) override {
    MutexLock lock(&mu_);
    const auto deadline = SteadyClock::now() + timeout;
    while (inbox_.empty() && broken_.is_ok() && cv_.wait_until(&mu_, deadline)) {
    }
    if (!inbox_.empty()) {
      AgentFrame f = std::move(inbox_.front());
      inbox_.pop_front();
      return f;
    }
    if (!broken_.is_ok()) return broken_;
    return Status::unavailable("agent '" + agent_ + "' did not answer within " +
                               std::to_string(timeout.count() / 1000) + " s");
  }
  bool broken() const override {
    MutexLock lock(&mu_);
    return !broken_.is_ok();
  }
  void deliver(AgentFrame f) {
    {
      MutexLock lock(&mu_);
      inbox_.push_back(std::move(f));
    }
    cv_.notify_all();
  }
  void fail(const std::string& why) {
    {
      MutexLock lock(&mu_);
      if (broken_.is_ok()) broken_ = Status::unavailable(why);
    }
    cv_.notify_all();
  }

 private:
  AgentHub::Impl* hub_;
  const std::uint64_t req_;
  const std::string agent_;
  mutable Mutex mu_;
  CondVar cv_;
  std::deque<AgentFrame> inbox_ GUARDED_BY(mu_);
  Status broken_ GUARDED_BY(mu_);
};

struct Session {
  std::string routing_id;
  std::optional<PeerConnection> connection;
  SteadyClock::time_point last_seen;
  AgentPresence presence;
};

struct Outgoing {
  std::string agent;
  std::uint64_t req = 0;
  std::vector<std::string> frames;
};

}  // namespace

class AgentHub::Impl {
 public:
  explicit Impl(AgentHubOptions o) : options_(std::move(o)) {}
  ~Impl() { stop(); }

  Status bind() {
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) return Status::unavailable("agent hub: cannot create an eventfd");
    try {
      // The ZAP handler must be bound before the CURVE server: without one libzmq admits
      // every client key.
      zap_.set(zmq::sockopt::linger, 0);
      zap_.bind("inproc://zeromq.zap.01");
      router_.set(zmq::sockopt::linger, 0);
      router_.set(zmq::sockopt::curve_server, true);
      router_.set(zmq::sockopt::curve_secretkey, options_.console_keys.secret_key);
      router_.set(zmq::sockopt::zap_domain, "distsync-agent");
      router_.set(zmq::sockopt::router_mandatory, true);
      router_.set(zmq::sockopt::heartbeat_ivl, 1000);
      router_.set(zmq::sockopt::heartbeat_timeout, 5000);
      router_.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kMaxAgentBodyBytes + 65536));
      router_.bind(options_.endpoint);
      endpoint_ = router_.get(zmq::sockopt::last_endpoint);
    } catch (const zmq::error_t& e) {
      return Status::invalid_argument("agent endpoint " + options_.endpoint +
                                      " cannot be bound: " + e.what());
    }
    refresh_allowlist();
    thread_ = std::thread([this] { loop(); });
    return Status::ok();
  }

  void stop() {
    if (thread_.joinable()) {
      stopping_ = true;
      { MutexLock lock(&mu_); }  // a waiter in await_connected has seen stopping_ or waits
      presence_cv_.notify_all();
      wake();
      thread_.join();
    }
    std::vector<std::shared_ptr<ExchangeImpl>> all;
    {
      MutexLock lock(&mu_);
      for (auto& [req, weak] : exchanges_) {
        if (auto ex = weak.lock()) all.push_back(ex);
      }
    }
    for (auto& ex : all) ex->fail("the agent hub stopped");
    if (wake_fd_ >= 0) ::close(wake_fd_);
    wake_fd_ = -1;
  }

  void wake() {
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
  }

  std::shared_ptr<Exchange> open(const std::string& agent) {
    MutexLock lock(&mu_);
    auto ex = std::make_shared<ExchangeImpl>(this, ++next_req_, agent);
    exchanges_[ex->req()] = ex;
    return ex;
  }

  void post(const std::string& agent, std::uint64_t req, AgentFrame frame) {
    frame.body["req"] = req;
    {
      MutexLock lock(&mu_);
      outbox_.push_back({agent, req, encode_agent_frame(frame)});
    }
    wake();
  }

  bool await_connected(const std::string& agent, std::chrono::milliseconds timeout) {
    MutexLock lock(&mu_);
    const auto deadline = SteadyClock::now() + timeout;
    while (!is_connected(agent) && !stopping_ && presence_cv_.wait_until(&mu_, deadline)) {
    }
    return is_connected(agent);
  }

  bool is_connected(const std::string& agent) const REQUIRES(mu_) {
    auto it = sessions_.find(agent);
    return it != sessions_.end() && it->second.presence.connected;
  }

  std::chrono::milliseconds reconnect_grace() const { return options_.heartbeat_timeout; }

  std::vector<AgentPresence> agents() const {
    MutexLock lock(&mu_);
    std::vector<AgentPresence> out;
    for (const auto& [name, s] : sessions_) out.push_back(s.presence);
    return out;
  }
  AgentHubStats stats() const {
    MutexLock lock(&mu_);
    AgentHubStats stats = stats_;
    stats.refused_frames += zap_responder_.refused();  // refused handshakes
    return stats;
  }
  std::string endpoint() const { return endpoint_; }

 private:
  void loop() {
    auto next_refresh = SteadyClock::now() + options_.refresh;
    while (!stopping_) {
      std::vector<zmq::pollitem_t> items = {{router_.handle(), 0, ZMQ_POLLIN, 0},
                                            {zap_.handle(), 0, ZMQ_POLLIN, 0},
                                            {nullptr, wake_fd_, ZMQ_POLLIN, 0}};
      try {
        zmq::poll(items, options_.refresh);
      } catch (const zmq::error_t& e) {
        if (e.num() == EINTR) continue;
        spdlog::error("agent hub: poll failed: {}", e.what());
        return;
      }
      if (items[2].revents & ZMQ_POLLIN) {
        std::uint64_t v = 0;
        [[maybe_unused]] ssize_t n = ::read(wake_fd_, &v, sizeof v);
      }
      if (items[1].revents & ZMQ_POLLIN) (void)zap_responder_.serve_one(zap_.handle());
      if (items[0].revents & ZMQ_POLLIN) receive();
      flush();
      if (SteadyClock::now() >= next_refresh) {
        forget_finished();
        refresh_allowlist();
        expire_silent();
        next_refresh = SteadyClock::now() + options_.refresh;
      }
    }
  }

  void receive() {
    for (;;) {
      std::vector<zmq::message_t> f;
      auto got = zmq::recv_multipart(router_, std::back_inserter(f), zmq::recv_flags::dontwait);
      if (!got) return;
      if (f.size() < 2) continue;
      std::string name;
      std::string address;
      try {
        name = f[1].gets("User-Id");
        address = f[1].gets("Peer-Address");
      } catch (const zmq::error_t&) {
      }
      bool allowed = false;
      for (const auto& [key, n] : allow_) allowed = allowed || n == name;
      if (name.empty() || !allowed) {
        MutexLock lock(&mu_);
        ++stats_.refused_frames;
        continue;
      }
      std::vector<std::string_view> content;
      for (std::size_t i = 1; i < f.size(); ++i) content.push_back(f[i].to_string_view());
      Result<AgentFrame> frame = decode_agent_frame(content);
      if (!frame.ok()) {
        MutexLock lock(&mu_);
        ++stats_.dropped_frames;
        continue;
      }
      handle(name, f[0].to_string(), PeerConnection::of_message(f[1].handle()), address,
             std::move(frame).value());
    }
  }

  void handle(const std::string& name, const std::string& rid,
              std::optional<PeerConnection> connection, const std::string& address,
              AgentFrame frame) {
    std::vector<std::shared_ptr<ExchangeImpl>> broken;
    std::shared_ptr<ExchangeImpl> target;
    bool fresh = false;
    {
      MutexLock lock(&mu_);
      Session& s = sessions_[name];
      if (frame.verb == "HELLO") {
        fresh = !s.presence.connected || s.routing_id != rid;
        if (s.presence.connected && s.routing_id != rid) broken = exchanges_of(name);
        s.routing_id = rid;
        s.connection = std::move(connection);
        s.presence.name = name;
        s.presence.address = address;
        s.presence.version = frame.body.value("version", "");
        s.presence.folders.clear();
        if (frame.body.contains("folders") && frame.body["folders"].is_array()) {
          for (const auto& d : frame.body["folders"]) {
            if (d.is_string()) s.presence.folders.push_back(d.get<std::string>());
          }
        }
        s.presence.connected = true;
        if (fresh) ++stats_.connections;
      } else if (!s.presence.connected || s.routing_id != rid) {
        ++stats_.dropped_frames;  // a frame from a connection that never said HELLO
        return;
      }
      s.last_seen = SteadyClock::now();
      s.presence.last_seen_us = wall_us();
      if (frame.verb == "REPLY" || frame.verb == "CREDIT") {
        std::uint64_t req = frame.body.value("req", std::uint64_t{0});
        auto it = exchanges_.find(req);
        if (it != exchanges_.end()) target = it->second.lock();
        if (!target || target->agent() != name) {
          ++stats_.dropped_frames;
          target.reset();
        }
      } else if (frame.verb != "HELLO" && frame.verb != "HEARTBEAT") {
        ++stats_.dropped_frames;
      }
    }
    for (auto& ex : broken) ex->fail("agent '" + name + "' reconnected");
    if (fresh) {
      presence_cv_.notify_all();
      spdlog::info("agent {} connected from {}", name, address);
    }
    if (target) target->deliver(std::move(frame));
  }

  std::vector<std::shared_ptr<ExchangeImpl>> exchanges_of(const std::string& name)
      REQUIRES(mu_) {
    std::vector<std::shared_ptr<ExchangeImpl>> out;
    for (auto& [req, weak] : exchanges_) {
      auto ex = weak.lock();
      if (ex && ex->agent() == name) out.push_back(ex);
    }
    return out;
  }

  void flush() {
    std::deque<Outgoing> out;
    {
      MutexLock lock(&mu_);
      out.swap(outbox_);
    }
    for (Outgoing& o : out) {
      std::string rid;
      {
        MutexLock lock(&mu_);
        auto it = sessions_.find(o.agent);
        if (it != sessions_.end() && it->second.presence.connected) rid = it->second.routing_id;
      }
      bool sent = false;
      if (!rid.empty()) {
        std::vector<zmq::const_buffer> frames = {zmq::buffer(rid)};
        for (const std::string& f : o.frames) frames.push_back(zmq::buffer(f));
        try {
          sent = zmq::send_multipart(router_, frames).has_value();
        } catch (const zmq::error_t&) {
          sent = false;
        }
      }
      if (!sent && !rid.empty()) {
        // The ROUTER no longer knows this peer (router_mandatory): its connection is gone
        // for good, so every exchange on it breaks now rather than at the silence timeout.
        disconnect(o.agent, "went away", false, rid);
      }
      if (!sent) fail_req(o.req, "agent '" + o.agent + "' is not connected");
    }
  }

  void fail_req(std::uint64_t req, const std::string& why) {
    std::shared_ptr<ExchangeImpl> ex;
    {
      MutexLock lock(&mu_);
      auto it = exchanges_.find(req);
      if (it != exchanges_.end()) ex = it->second.lock();
    }
    if (ex) ex->fail(why);
  }

  // Marks `name` disconnected (only if still on connection `rid`, when one is named).
  void disconnect(const std::string& name, const std::string& why, bool shut,
                  const std::string& rid = "") {
    std::vector<std::shared_ptr<ExchangeImpl>> broken;
    {
      MutexLock lock(&mu_);
      auto it = sessions_.find(name);
      if (it == sessions_.end() || !it->second.presence.connected) return;
      if (!rid.empty() && it->second.routing_id != rid) return;
      // The ZAP handler refuses the reconnect.
      if (shut && it->second.connection) (void)it->second.connection->shut_down();
      it->second.presence.connected = false;
      it->second.connection.reset();
      broken = exchanges_of(name);
    }
    for (auto& ex : broken) ex->fail("agent '" + name + "' " + why);
  }

  // Exchanges whose callers are done. Never from an exchange's destructor: that may run
  // wherever its last reference drops, even under mu_.
  void forget_finished() {
    MutexLock lock(&mu_);
    for (auto it = exchanges_.begin(); it != exchanges_.end();) {
      it = it->second.expired() ? exchanges_.erase(it) : std::next(it);
    }
  }

  void refresh_allowlist() {
    if (!options_.allowlist) return;
    std::map<std::string, std::string> now = options_.allowlist();
    std::set<std::string> names;
    for (const auto& [key, name] : now) names.insert(name);
    std::vector<std::string> gone;
    {
      MutexLock lock(&mu_);
      for (const auto& [name, s] : sessions_) {
        if (!names.count(name)) gone.push_back(name);
      }
    }
    allow_ = std::move(now);
    for (const std::string& name : gone) {
      disconnect(name, "was revoked", true);
      MutexLock lock(&mu_);
      sessions_.erase(name);
    }
  }

  void expire_silent() {
    std::vector<std::string> silent;
    {
      MutexLock lock(&mu_);
      for (const auto& [name, s] : sessions_) {
        if (s.presence.connected &&
            SteadyClock::now() - s.last_seen > options_.heartbeat_timeout) {
          silent.push_back(name);
        }
      }
    }
    for (const std::string& name : silent) disconnect(name, "went silent", false);
  }

  const AgentHubOptions options_;
  zmq::context_t context_{1};
  zmq::socket_t zap_{context_, zmq::socket_type::rep};
  zmq::socket_t router_{context_, zmq::socket_type::router};
  std::string endpoint_;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::map<std::string, std::string> allow_;  // key -> name; the hub thread's only
  // ZAP/1.0 (RFC 27) on zap_, from the hub thread: admits a CURVE client whose key is
  // allowed now, named by its agent.
  ZapResponder zap_responder_{[this](const std::string& z85) -> std::optional<std::string> {
    auto it = allow_.find(z85);
    if (it == allow_.end()) return std::nullopt;
    return it->second;
  }};

  mutable Mutex mu_;
  CondVar presence_cv_;  // an agent connected
  std::uint64_t next_req_ GUARDED_BY(mu_) = 0;
  std::map<std::uint64_t, std::weak_ptr<ExchangeImpl>> exchanges_ GUARDED_BY(mu_);
  std::deque<Outgoing> outbox_ GUARDED_BY(mu_);
  std::map<std::string, Session> sessions_ GUARDED_BY(mu_);
  AgentHubStats stats_ GUARDED_BY(mu_);
};

namespace {
void ExchangeImpl::send(AgentFrame frame) { hub_->post(agent_, req_, std::move(frame)); }
}  // namespace

Result<std::unique_ptr<AgentHub>> AgentHub::start(AgentHubOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  if (Status s = impl->bind(); !s.is_ok()) return s;
  return std::unique_ptr<AgentHub>(new AgentHub(std::move(impl)));
}

AgentHub::AgentHub(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AgentHub::~AgentHub() = default;
std::string AgentHub::endpoint() const { return impl_->endpoint(); }
std::vector<AgentPresence> AgentHub::agents() const { return impl_->agents(); }
AgentHubStats AgentHub::stats() const { return impl_->stats(); }
std::shared_ptr<AgentHub::Exchange> AgentHub::open(const std::string& agent) {
  return impl_->open(agent);
}

bool AgentHub::await_connected(const std::string& agent, std::chrono::milliseconds timeout) {
  return impl_->await_connected(agent, timeout);
}

Result<nlohmann::json> AgentHub::call(const std::string& agent, const std::string& op,
                                      nlohmann::json args, std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + impl_->reconnect_grace();
  Result<AgentFrame> reply = Status::unavailable("agent '" + agent + "' is not connected");
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                      SteadyClock::now());
    if (!impl_->await_connected(agent, std::max(left, std::chrono::milliseconds(0)))) {
      return reply.ok() ? Status::unavailable("agent '" + agent + "' is not connected")
                        : reply.status();
    }
    auto ex = open(agent);
    ex->send(AgentFrame{"CALL", {{"op", op}, {"args", args}}, ""});
    reply = ex->wait(timeout);
    // A broken link (not a slow agent) is tried again once the agent is back.
    if (reply.ok() || !ex->broken() || SteadyClock::now() >= deadline) break;
  }
  if (!reply.ok()) return reply.status();
  if (reply->verb != "REPLY") return Status::corruption("agent '" + agent + "': expected REPLY");
  if (!reply->body.value("ok", false)) return status_from_json(reply->body.value("error", nlohmann::json()));
  return reply->body.value("result", nlohmann::json::object());
}

}  // namespace distsync
