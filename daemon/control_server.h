// ControlServer: the daemon's request/reply endpoint, a ZeroMQ ROUTER socket.
//
// Each request ["DSYNC1", <JSON body>] from a DEALER peer gets exactly one reply
// ["DSYNC1", <JSON>] built by the RequestRouter (grammar in docs/protocol.md). Bodies larger
// than max_request_bytes get an error reply without being parsed; frames larger than
// max_request_bytes + kMaxMessageSlack make ZeroMQ drop the peer's connection, so a huge
// frame cannot exhaust memory. A message without a peer identity is dropped and logged.
// For ipc:// endpoints the run dir is created 0750 and the socket file made 0660. A tcp://
// endpoint is a CURVE server: only keys in options.curve's allowlist complete the handshake
// (a plaintext or unknown peer gets nothing), and each request runs with its key's role.
// A key that leaves the clients file (SIGHUP or a change of the file) has its connections
// shut down within 100 ms of serve() seeing the new list (daemon/security/curve_connections.h);
// a request it sent before that is refused, as the role of a removed key.
// The server is used from one thread: serve() runs the loop on the caller's thread.
// The router must outlive the server.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "daemon/request_router.h"
#include "daemon/security/zap_handler.h"
#include "events/result.h"

namespace distsync {

inline constexpr std::size_t kMaxMessageSlack = 64 * 1024;

struct ControlServerOptions {
  std::string endpoint;
  std::optional<CurveServerAuth> curve;  // REQUIRED for tcp://, unused otherwise
  std::size_t max_request_bytes = std::size_t{1} << 20;
};

// Optional callbacks of serve(), run on its thread.
struct ServeHooks {
  std::function<void()> serving;         // once, when the loop begins answering requests
  std::chrono::milliseconds tick_interval{0};  // > 0: tick() runs at least this often
  std::function<void()> tick;
};

class ControlServer {
 public:
  // Binds the endpoint; Unavailable when it cannot.
  static Result<std::unique_ptr<ControlServer>> bind(ControlServerOptions options,
                                                     const RequestRouter* router);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Answers requests until `stop_fd` becomes readable (it is not read), then returns.
  // Returns a Status only when polling itself fails. hooks.serving runs before the first
  // poll: the endpoint is bound and every op registered, so a request sent from then on is
  // answered (one sent earlier was queued and is answered too).
  Status serve(int stop_fd, const ServeHooks& hooks = {});

  std::uint64_t requests_served() const;

  class Impl;

 private:
  explicit ControlServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Creates the directory of an ipc:// endpoint (mode 0750) and, after `bind` ran, makes the
// socket file 0660. Shared by the control server and the bus.
Status prepare_ipc_dir(const std::string& endpoint);
Status restrict_ipc_socket(const std::string& endpoint);
// Unlinks the socket file of an ipc:// endpoint this process bound (and holds the lock for).
void remove_ipc_socket(const std::string& endpoint);

}  // namespace distsync
