// ZapHandler: the ZAP/1.0 handler (ZeroMQ RFC 27) of one ZeroMQ context, on a thread of its
// own, for the CURVE servers of the control endpoint and the bus.
//
// A CURVE client is admitted only when its public key is in the ClientAllowlist in force
// (client_registry.h: re-read on SIGHUP or a change of the file); its connection is then
// named by its public key in Z85 (the ZAP User-Id, which every message it sends carries as
// the "User-Id" property), so the control server can look the key up again at each request:
// a key removed since the handshake is refused, and a role changed since applies.
// Every other request (another mechanism, an unknown key) is refused with 400 and counted.
// The requests are parsed and answered by a ZapResponder (zap_responder.h), the same one the
// agent hub uses; this class owns the ZAP socket and its thread.
// libzmq admits every CURVE client of a context that has no ZAP handler, so a server socket
// must be bound only after start() returned. The context must outlive the handler; the
// handler is stopped (and its socket closed) by its destructor. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "daemon/security/client_registry.h"
#include "daemon/security/zap_responder.h"
#include "events/result.h"

namespace distsync {

// What a CURVE server socket of the daemon needs: the console's secret key and who may connect.
struct CurveServerAuth {
  std::string secret_key;  // Z85
  std::shared_ptr<ClientRegistry> clients;
};

class ZapHandler {
 public:
  // `zmq_context` is a zmq_ctx_new() handle (zmq::context_t::handle()). unavailable when the
  // handler endpoint cannot be bound (a second handler in the same context).
  static Result<std::unique_ptr<ZapHandler>> start(void* zmq_context,
                                                   std::shared_ptr<ClientRegistry> clients);
  ~ZapHandler();
  ZapHandler(const ZapHandler&) = delete;
  ZapHandler& operator=(const ZapHandler&) = delete;

  std::uint64_t refused() const { return responder_.refused(); }

 private:
  ZapHandler(void* socket, std::shared_ptr<ClientRegistry> clients);
  void loop();

  void* socket_;
  std::shared_ptr<ClientRegistry> clients_;
  std::atomic<bool> stop_{false};
  ZapResponder responder_;  // used by the thread only; refused() from any
  std::thread thread_;
};

// Makes a bound-to-be socket (a zmq_socket() handle) a CURVE server with the console's key.
// REQUIRES: a ZapHandler runs in the socket's context. io_error naming the failed option.
Status make_curve_server(void* zmq_socket, const CurveServerAuth& auth, const char* zap_domain);

// What the control server and the bus do before binding `endpoint`: for tcp://, start the
// context's ZapHandler and make the socket a CURVE server (invalid_argument naming `role`
// and the endpoint when `auth` is missing); for ipc:// and inproc://, nothing (a null handler).
// The returned handler must live as long as the socket.
Result<std::unique_ptr<ZapHandler>> secure_if_tcp(void* zmq_context, void* zmq_socket,
                                                  const std::string& endpoint,
                                                  const std::optional<CurveServerAuth>& auth,
                                                  const char* role, const char* zap_domain);

}  // namespace distsync
