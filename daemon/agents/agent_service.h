// The agent's side of the agent link: what `distsync-agent run` does.
//
// run_agent() connects a ZeroMQ DEALER out to the console's agent hub as a CURVE client
// (the console's public key pins the server; the agent's own pair authenticates it), removes
// the temps an earlier run left under its folders, and then serves: every `heartbeat` it
// sends HELLO (version and the folders it serves), which doubles as its heartbeat and
// re-announces it after the console restarts; it answers CALLs through AgentFiles and
// receives batches (FILE, CHUNK, COMMIT, ABORT), granting CREDIT one chunk at a time after
// the chunk is written (docs/agents.md). Malformed frames are dropped and counted. ZeroMQ
// reconnects by itself when the console goes away. Blocking; returns when `stop_fd`
// becomes readable.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "daemon/security/curve_keys.h"
#include "events/status.h"

namespace distsync {

struct AgentOptions {
  std::string endpoint;            // the console's agent endpoint, tcp://HOST:PORT
  std::string console_public_key;  // Z85
  CurveKeyPair keys;               // the agent's own pair
  std::vector<std::string> roots;  // absolute folders it serves
  std::string state_dir;           // hash caches
  std::chrono::milliseconds heartbeat{1000};
};

// invalid_argument for a bad endpoint, key or folder; unavailable when the socket fails.
Status run_agent(const AgentOptions& options, int stop_fd);

}  // namespace distsync
