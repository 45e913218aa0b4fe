// AgentHub: the console's end of the agent link. A ZeroMQ ROUTER bound on a tcp:// endpoint
// as a CURVE server with the console's long-term key pair; distsync-agent processes connect
// out to it (docs/agents.md).
//
// Admission: a ZAP handler on inproc://zeromq.zap.01 (in the hub's own context, bound before
// the ROUTER) admits a CURVE client only when its public key is in the allowlist, and names
// the connection with the agent's name (ZAP User-Id). The hub thread polls that socket and
// answers it with the daemon's one ZAP implementation (daemon/security/zap_responder.h), the
// same the control endpoint and the bus use; refused handshakes count as refused_frames.
// The allowlist comes from `allowlist` (the projection of AgentAllowed/AgentRevoked), re-read
// every `refresh`. A key that leaves the list has its connection shut down at once, and every
// frame is checked against the list again before it reaches a handler, so nothing from a
// revoked key is handled. Malformed frames are dropped and counted.
//
// Exchanges: a caller opens an Exchange with one agent, sends frames and waits for the
// frames the agent addresses to it (by "req"). An exchange breaks (wait returns unavailable)
// when its agent disconnects, is revoked, reconnects, or is silent for `heartbeat_timeout`.
//
// One thread owns both sockets; callers post to it. Thread-safe. The destructor breaks every
// exchange and joins the thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "daemon/agents/agent_protocol.h"
#include "daemon/security/curve_keys.h"
#include "events/result.h"

namespace distsync {

struct AgentHubOptions {
  std::string endpoint;  // tcp://HOST:PORT (PORT may be * for a free one)
  CurveKeyPair console_keys;
  std::chrono::milliseconds heartbeat_timeout{10000};
  std::chrono::milliseconds refresh{200};
  // public key -> agent name, as allowed now.
  std::function<std::map<std::string, std::string>()> allowlist;
};

// What the hub knows of a connected agent.
struct AgentPresence {
  std::string name;
  std::string address;  // the peer's IP
  std::string version;
  std::vector<std::string> folders;  // announced in HELLO
  std::int64_t last_seen_us = 0;     // wall clock
  bool connected = false;
};

struct AgentHubStats {
  std::uint64_t dropped_frames = 0;  // malformed, unknown verb, or for no exchange
  std::uint64_t refused_frames = 0;  // from a key no longer allowed
  std::uint64_t connections = 0;     // HELLOs accepted
};

class AgentHub {
 public:
  class Exchange;

  static Result<std::unique_ptr<AgentHub>> start(AgentHubOptions options);
  ~AgentHub();
  AgentHub(const AgentHub&) = delete;
  AgentHub& operator=(const AgentHub&) = delete;

  // The endpoint as bound (the port resolved).
  std::string endpoint() const;
  std::vector<AgentPresence> agents() const;
  AgentHubStats stats() const;

  // A new exchange with `agent` (its req is unique in the hub). Sends nothing.
  std::shared_ptr<Exchange> open(const std::string& agent);
  // True once `agent` is connected (said HELLO on a live connection), waiting up to
  // `timeout` for it to (re)connect.
  bool await_connected(const std::string& agent, std::chrono::milliseconds timeout);
  // One CALL and its REPLY: the reply's "result", or the error it names. Calls are
  // idempotent reads or removals, so a call whose link breaks (the agent restarted,
  // reconnected or went away) is sent again once the agent is back, for up to
  // `heartbeat_timeout` from the first try; an agent not connected by then is unavailable.
  Result<nlohmann::json> call(const std::string& agent, const std::string& op,
                              nlohmann::json args, std::chrono::milliseconds timeout);

  class Impl;

 private:
  explicit AgentHub(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

class AgentHub::Exchange {
 public:
  virtual ~Exchange() = default;
  virtual std::uint64_t req() const = 0;
  // Queues a frame for the agent; body["req"] is set to req().
  virtual void send(AgentFrame frame) = 0;
  // The next frame the agent sent to this exchange; unavailable when broken or timed out.
  virtual Result<AgentFrame> wait(std::chrono::milliseconds timeout) = 0;
  // True once the link it ran on went away (disconnect, revoke, reconnect, silence): no
  // further frame of the agent's will reach it.
  virtual bool broken() const = 0;
};

}  // namespace distsync
