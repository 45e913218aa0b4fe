// The agent link: frames between distsync-agent (a ZeroMQ DEALER that connects out) and the
// console's agent hub (a ROUTER, CURVE server). docs/agents.md gives the grammar and the
// conversation; in short every message is
//   frames  = tag verb body [data]
//   tag     = "DSAGENT1"
//   verb    = "HELLO" | "HEARTBEAT" | "REPLY" | "CREDIT"          ; agent -> console
//           | "CALL" | "FILE" | "CHUNK" | "COMMIT" | "ABORT"      ; console -> agent
//   body    = a JSON object (at most kMaxAgentBodyBytes)
//   data    = raw file bytes, only after CHUNK (at most kAgentChunkBytes)
// This file is the codec only: pure functions, no sockets. Frames come from another host, so
// decode trusts nothing: a wrong tag, an unknown verb, a body that is not a JSON object or a
// data frame where none belongs is invalid_argument (the caller drops and counts it).
// Thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"

namespace distsync {

inline constexpr std::string_view kAgentProtocolTag = "DSAGENT1";
inline constexpr std::size_t kMaxAgentBodyBytes = std::size_t{4} << 20;
inline constexpr std::size_t kAgentChunkBytes = std::size_t{256} << 10;
// Chunks the console may have in flight per batch before the agent grants more credit.
inline constexpr std::uint32_t kAgentCreditWindow = 16;
inline constexpr std::string_view kAgentVersion = "0.1.0";

struct AgentFrame {
  std::string verb;
  nlohmann::json body = nlohmann::json::object();
  std::string data;  // CHUNK only
};

// The frames to send, without the ROUTER's routing id.
std::vector<std::string> encode_agent_frame(const AgentFrame& frame);

// `frames` without a routing id.
Result<AgentFrame> decode_agent_frame(const std::vector<std::string_view>& frames);

// A Status as a REPLY body's "error" object and back ({"code": "not_found", "message": ...}).
nlohmann::json status_json(const Status& status);
Status status_from_json(const nlohmann::json& error);

}  // namespace distsync
