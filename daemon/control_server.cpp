#include "daemon/control_server.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "daemon/security/curve_connections.h"

namespace distsync {

Status prepare_ipc_dir(const std::string& endpoint) {
  if (endpoint.rfind("ipc://", 0) != 0) return Status::ok();
  std::filesystem::path dir = std::filesystem::path(endpoint.substr(6)).parent_path();
  if (dir.empty()) return Status::ok();
  std::error_code ec;
  bool created = std::filesystem::create_directories(dir, ec);
  if (ec) return Status::io_error("cannot create socket dir " + dir.string() + ": " + ec.message());
  if (created) chmod(dir.c_str(), 0750);
  return Status::ok();
}

Status restrict_ipc_socket(const std::string& endpoint) {
  if (endpoint.rfind("ipc://", 0) != 0) return Status::ok();
  std::string path = endpoint.substr(6);
  if (chmod(path.c_str(), 0660) != 0) {
    return Status::io_error("cannot chmod socket " + path + ": " + strerror(errno));
  }
  return Status::ok();
}

void remove_ipc_socket(const std::string& endpoint) {
  if (endpoint.rfind("ipc://", 0) == 0) unlink(endpoint.substr(6).c_str());
}

namespace {
// How often serve() looks for keys removed from the clients file, when nothing else wakes it.
constexpr std::chrono::milliseconds kSweepInterval{100};
}  // namespace

class ControlServer::Impl {
 public:
  Impl(ControlServerOptions options, const RequestRouter* router)
      : options_(std::move(options)),
        router_(router),
        socket_(context_, zmq::socket_type::router) {}
  ~Impl() {
    socket_.close();
    if (bound_) remove_ipc_socket(options_.endpoint);
  }

  Status bind() {
    Status s = prepare_ipc_dir(options_.endpoint);
    if (!s.is_ok()) return s;
    auto zap = secure_if_tcp(context_.handle(), socket_.handle(), options_.endpoint,
                             options_.curve, "control", "distsync-control");
    if (!zap.ok()) return zap.status();
    zap_ = std::move(zap).value();
    if (zap_) connections_.emplace(options_.curve->clients);
    try {
      socket_.set(zmq::sockopt::linger, 0);
      socket_.set(zmq::sockopt::maxmsgsize,
                  static_cast<int64_t>(options_.max_request_bytes + kMaxMessageSlack));
      // Keep the socket file private from the moment it exists; chmod below narrows it.
      mode_t old = umask(0007);
      try {
        socket_.bind(options_.endpoint);
      } catch (...) {
        umask(old);
        throw;
      }
      umask(old);
    } catch (const zmq::error_t& e) {
      return Status::unavailable("cannot bind control endpoint " + options_.endpoint + ": " +
                                 e.what());
    }
    bound_ = true;
    return restrict_ipc_socket(options_.endpoint);
  }

  Status serve(int stop_fd, const ServeHooks& hooks) {
    zmq_pollitem_t items[2] = {{socket_.handle(), 0, ZMQ_POLLIN, 0},
                               {nullptr, stop_fd, ZMQ_POLLIN, 0}};
    using Clock = std::chrono::steady_clock;
    const bool ticking = hooks.tick && hooks.tick_interval.count() > 0;
    Clock::time_point next_tick = Clock::now() + hooks.tick_interval;
    if (hooks.serving) hooks.serving();
    if (ticking) hooks.tick();
    for (;;) {
      long timeout_ms = connections_ ? kSweepInterval.count() : -1;
      if (ticking) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - Clock::now());
        timeout_ms = std::max<long>(0, connections_ ? std::min(left.count(), timeout_ms)
                                                    : left.count());
      }
      int rc = zmq_poll(items, 2, timeout_ms);
      // Taken before anything else makes a system call (the sweep, a tick) and overwrites it.
      const int poll_errno = rc < 0 ? zmq_errno() : 0;
      if (connections_) (void)connections_->sweep();
      if (ticking && Clock::now() >= next_tick) {
        hooks.tick();
        next_tick = Clock::now() + hooks.tick_interval;
      }
      if (rc < 0) {
        if (poll_errno == EINTR) continue;
        return Status::io_error(std::string("control poll failed: ") + zmq_strerror(poll_errno));
      }
      if (items[1].revents & ZMQ_POLLIN) return Status::ok();
      if (items[0].revents & ZMQ_POLLIN) drain();
    }
  }

  // Answers every request already queued, without blocking.
  void drain() {
    for (;;) {
      std::vector<zmq::message_t> frames;
      try {
        auto n =
            zmq::recv_multipart(socket_, std::back_inserter(frames), zmq::recv_flags::dontwait);
        if (!n) return;
      } catch (const zmq::error_t& e) {
        spdlog::warn("control: receive failed: {}", e.what());
        return;
      }
      answer(frames);
    }
  }

  void answer(std::vector<zmq::message_t>& frames) {
    if (frames.empty() || frames[0].size() == 0) {
      spdlog::warn("control: dropped a message without a peer identity");
      return;
    }
    if (connections_) connections_->note(frames.back().handle());
    std::vector<std::string_view> body;
    for (std::size_t i = 1; i < frames.size(); ++i) {
      body.emplace_back(static_cast<const char*>(frames[i].data()), frames[i].size());
    }
    std::string reply = router_->handle(body, options_.max_request_bytes, role_of(frames.back()));
    ++served_;
    try {
      std::array<zmq::const_buffer, 3> out = {zmq::buffer(frames[0].data(), frames[0].size()),
                                              zmq::buffer(kProtocolTag), zmq::buffer(reply)};
      // ROUTER drops replies to peers that are gone or full; it never blocks here.
      if (!zmq::send_multipart(socket_, out, zmq::send_flags::dontwait)) {
        spdlog::warn("control: reply dropped (peer queue full)");
      }
    } catch (const zmq::error_t& e) {
      spdlog::warn("control: reply failed: {}", e.what());
    }
  }

  std::uint64_t served() const { return served_; }

 private:
  // ipc and inproc peers are operators (the socket's file mode decides who they are); a
  // CURVE peer has the role its key (the ZAP User-Id) has in the clients file in force now,
  // and none when the key was removed since its handshake.
  ClientRole role_of(zmq::message_t& frame) const {
    if (!zap_) return ClientRole::kOperator;
    const char* key = zmq_msg_gets(frame.handle(), "User-Id");
    if (key == nullptr) return ClientRole::kRevoked;
    auto client = options_.curve->clients->current()->find_key(key);
    return client ? client->role : ClientRole::kRevoked;
  }

  ControlServerOptions options_;
  const RequestRouter* router_;
  zmq::context_t context_{1};
  std::unique_ptr<ZapHandler> zap_;  // declared after the context: stopped before it ends
  std::optional<CurveConnections> connections_;  // tcp only
  zmq::socket_t socket_;
  std::uint64_t served_ = 0;
  bool bound_ = false;
};

ControlServer::ControlServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ControlServer::~ControlServer() = default;

Result<std::unique_ptr<ControlServer>> ControlServer::bind(ControlServerOptions options,
                                                           const RequestRouter* router) {
  auto impl = std::make_unique<Impl>(std::move(options), router);
  Status s = impl->bind();
  if (!s.is_ok()) return s;
  return std::unique_ptr<ControlServer>(new ControlServer(std::move(impl)));
}

Status ControlServer::serve(int stop_fd, const ServeHooks& hooks) {
  return impl_->serve(stop_fd, hooks);
}

std::uint64_t ControlServer::requests_served() const { return impl_->served(); }

}  // namespace distsync
