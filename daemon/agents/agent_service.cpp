#include "daemon/agents/agent_service.h"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <zmq_addon.hpp>

#include "daemon/agents/agent_files.h"
#include "daemon/agents/agent_protocol.h"
#include "daemon/content/durable_file.h"
#include "daemon/content/normal_path.h"

namespace distsync {
namespace {

using Clock = std::chrono::steady_clock;

// How long the agent waits before dialing again after the console refused its handshake.
constexpr std::chrono::milliseconds kRedialPause{1000};

// Never blocks: with no live connection (the console gone, or a refused handshake that
// ended the session) the frame is dropped; the console breaks the exchange it belonged to
// and HELLO is sent again on the next heartbeat.
void send(zmq::socket_t& socket, const AgentFrame& frame) {
  std::vector<std::string> frames = encode_agent_frame(frame);
  std::vector<zmq::const_buffer> bufs;
  for (const std::string& f : frames) bufs.push_back(zmq::buffer(f));
  try {
    if (!zmq::send_multipart(socket, bufs, zmq::send_flags::dontwait)) {
      spdlog::debug("no connection to the console: dropped a {} frame", frame.verb);
    }
  } catch (const zmq::error_t& e) {
    spdlog::warn("cannot send a {} frame to the console: {}", frame.verb, e.what());
  }
}

AgentFrame reply(std::uint64_t req, const Result<nlohmann::json>& r) {
  nlohmann::json body = {{"req", req}, {"ok", r.ok()}};
  if (r.ok()) body["result"] = *r;
  else body["error"] = status_json(r.status());
  return AgentFrame{"REPLY", body, ""};
}

}  // namespace

Status run_agent(const AgentOptions& options, int stop_fd) {
  if (options.endpoint.rfind("tcp://", 0) != 0) {
    return Status::invalid_argument("agent: --connect must be the console's tcp:// agent endpoint");
  }
  if (options.console_public_key.size() != 40) {
    return Status::invalid_argument(
        "agent: --console-key must be the console's 40-character public key (distsync agent "
        "list shows it)");
  }
  std::vector<std::string> roots;
  for (const std::string& r : options.roots) {
    Result<NormalPath> p = NormalPath::parse(r, NormalPath::Kind::kAbsolute, "served folder");
    if (!p.ok()) return p.status();
    if (Status s = make_dirs_durable(p->str()); !s.is_ok()) return s;
    roots.push_back(p->str());
  }
  if (roots.empty()) return Status::invalid_argument("agent: name at least one --serve folder");
  if (Status s = make_dirs_durable(options.state_dir); !s.is_ok()) return s;
  AgentFiles files(roots, options.state_dir);
  if (std::size_t n = files.remove_all_stale_temps(); n > 0) {
    spdlog::info("removed {} temps an interrupted batch left", n);
  }

  zmq::context_t context(1);
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  try {
    socket.set(zmq::sockopt::linger, 0);
    socket.set(zmq::sockopt::curve_serverkey, options.console_public_key);
    socket.set(zmq::sockopt::curve_publickey, options.keys.public_key);
    socket.set(zmq::sockopt::curve_secretkey, options.keys.secret_key);
    socket.set(zmq::sockopt::heartbeat_ivl, 1000);
    socket.set(zmq::sockopt::heartbeat_timeout, 5000);
    socket.set(zmq::sockopt::reconnect_ivl, 200);
    socket.set(zmq::sockopt::reconnect_ivl_max, 2000);
    socket.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(kMaxAgentBodyBytes + 65536));
    socket.connect(options.endpoint);
  } catch (const zmq::error_t& e) {
    return Status::invalid_argument("agent: cannot connect to " + options.endpoint + ": " +
                                    e.what());
  }
  // libzmq ends a session for good when the console refuses the handshake (a ZAP 400: the
  // key is not, or not yet, allowed) and never dials again by itself. The monitor reports
  // that, and the loop below dials again after a pause, so an agent started before (or just
  // as) its key is allowed connects once it is.
  zmq::socket_t monitor(context, zmq::socket_type::pair);
  const std::string monitor_endpoint = "inproc://distsync-agent-monitor";
  if (zmq_socket_monitor(socket.handle(), monitor_endpoint.c_str(),
                         ZMQ_EVENT_HANDSHAKE_FAILED_AUTH | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                             ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) != 0) {
    return Status::unavailable("agent: cannot monitor the console connection");
  }
  try {
    monitor.set(zmq::sockopt::linger, 0);
    monitor.connect(monitor_endpoint);
  } catch (const zmq::error_t& e) {
    return Status::unavailable(std::string("agent: cannot monitor the console connection: ") +
                               e.what());
  }
  constexpr Clock::time_point kNoRedial = Clock::time_point::max();
  Clock::time_point redial_at = kNoRedial;
  auto redial_after_refusal = [&] {
    std::vector<zmq::message_t> event;
    while (zmq::recv_multipart(monitor, std::back_inserter(event), zmq::recv_flags::dontwait)) {
      if (redial_at == kNoRedial) {
        spdlog::warn("the console refused this agent's handshake (is its key allowed? "
                     "`distsync agent allow`); dialing again in {} ms",
                     kRedialPause.count());
        redial_at = Clock::now() + kRedialPause;
      }
      event.clear();
    }
  };
  spdlog::info("distsync-agent {} connecting to {}", kAgentVersion, options.endpoint);
  const AgentFrame hello{"HELLO", {{"version", kAgentVersion}, {"folders", roots}}, ""};
  send(socket, hello);
  std::uint64_t dropped = 0;
  auto next_hello = Clock::now() + options.heartbeat;
  for (;;) {
    std::vector<zmq::pollitem_t> items = {{socket.handle(), 0, ZMQ_POLLIN, 0},
                                          {nullptr, stop_fd, ZMQ_POLLIN, 0},
                                          {monitor.handle(), 0, ZMQ_POLLIN, 0}};
    auto next_wake = std::min(next_hello, redial_at);
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_wake - Clock::now());
    try {
      zmq::poll(items, std::max(wait, std::chrono::milliseconds(0)));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      return Status::unavailable(std::string("agent: poll failed: ") + e.what());
    }
    if (items[1].revents & ZMQ_POLLIN) break;
    if (items[2].revents & ZMQ_POLLIN) redial_after_refusal();
    if (redial_at != kNoRedial && Clock::now() >= redial_at) {
      redial_at = kNoRedial;
      try {
        socket.disconnect(options.endpoint);
        socket.connect(options.endpoint);
      } catch (const zmq::error_t& e) {
        return Status::unavailable("agent: cannot connect to " + options.endpoint + ": " +
                                   e.what());
      }
      send(socket, hello);
      next_hello = Clock::now() + options.heartbeat;
    }
    if (Clock::now() >= next_hello) {
      send(socket, hello);
      next_hello = Clock::now() + options.heartbeat;
    }
    if (!(items[0].revents & ZMQ_POLLIN)) continue;
    for (;;) {
      std::vector<zmq::message_t> msgs;
      auto got = zmq::recv_multipart(socket, std::back_inserter(msgs), zmq::recv_flags::dontwait);
      if (!got) break;
      std::vector<std::string_view> views;
      for (const auto& m : msgs) views.push_back(m.to_string_view());
      Result<AgentFrame> f = decode_agent_frame(views);
      if (!f.ok() || !f->body.contains("req") || !f->body["req"].is_number_unsigned()) {
        ++dropped;
        spdlog::warn("dropped a malformed frame from the console ({} so far)", dropped);
        continue;
      }
      const std::uint64_t req = f->body["req"].get<std::uint64_t>();
      const std::string& verb = f->verb;
      if (verb == "CALL") {
        std::string op = f->body.value("op", "");
        nlohmann::json args = f->body.value("args", nlohmann::json::object());
        if (op == "begin") {
          Status s = files.begin(req, args.is_object() && args.value("verify", false));
          if (!s.is_ok()) send(socket, reply(req, s));
          else send(socket, AgentFrame{"CREDIT", {{"req", req}, {"chunks", kAgentCreditWindow}}, ""});
        } else {
          send(socket, reply(req, files.call(op, args)));
        }
      } else if (verb == "FILE") {
        if (Status s = files.add_file(req, f->body); !s.is_ok()) {
          files.abort(req);
          send(socket, reply(req, s));
        }
      } else if (verb == "CHUNK") {
        if (!files.has_batch(req)) continue;  // aborted: the console hears why on COMMIT
        if (Status s = files.write_chunk(req, f->body, f->data); !s.is_ok()) {
          files.abort(req);
          send(socket, reply(req, s));
        } else if (!f->body.value("drop", false)) {
          send(socket, AgentFrame{"CREDIT", {{"req", req}, {"chunks", 1}}, ""});
        }
      } else if (verb == "COMMIT") {
        send(socket, reply(req, files.commit(req)));
      } else if (verb == "ABORT") {
        files.abort(req);
      } else {
        ++dropped;
      }
    }
  }
  return Status::ok();
}

}  // namespace distsync
