// ZapResponder: the one answer of the daemon to ZAP/1.0 requests (ZeroMQ RFC 27), shared by
// the ZapHandler thread of the control endpoint and the bus (zap_handler.h) and by the agent
// hub's poll loop (daemon/agents/agent_hub.h). It parses a request's frames, admits a CURVE
// client only when `lookup` names its public key, builds the reply and counts refusals. The
// socket and the thread stay the caller's: serve_one() answers one request waiting on the
// caller's ZMQ_REP socket bound on inproc://zeromq.zap.01.
//
// Request: version "1.0", request id, domain, address, identity, mechanism, credentials...
// Reply: "1.0", the request id, status code, status text, user id, metadata (empty).
// Admitted (200, user id = what `lookup` returned): mechanism CURVE, one 32-byte credential
// whose Z85 form `lookup` maps to a user id. Refused (400, user id empty, counted): fewer than
// six frames, another version, another mechanism (NULL, PLAIN), a credential not 32 bytes,
// a key `lookup` does not name. Status texts name the cause; they never carry a key.
//
// Ownership: holds `lookup` (which must not throw). Thread safety: answer() and serve_one()
// from one thread at a time (they call `lookup` on it); refused() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace distsync {

// A CURVE public key in Z85 (40 characters) -> the ZAP User-Id to admit it under, or nullopt
// to refuse it.
using ZapLookup = std::function<std::optional<std::string>(const std::string& z85_key)>;

class ZapResponder {
 public:
  explicit ZapResponder(ZapLookup lookup) : lookup_(std::move(lookup)) {}

  // The six reply frames for one request's frames. Counts a refusal.
  std::vector<std::string> answer(const std::vector<std::string>& request);

  // Receives one request from `rep_socket` (a zmq_socket() ZMQ_REP handle) without waiting
  // and sends its reply. False when no request was waiting or the reply could not be sent.
  bool serve_one(void* rep_socket);

  std::uint64_t refused() const { return refused_.load(); }

 private:
  ZapLookup lookup_;
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace distsync
