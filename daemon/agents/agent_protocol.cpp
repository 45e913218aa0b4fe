#include "daemon/agents/agent_protocol.h"

#include <array>

#include "events/json_text.h"

namespace distsync {
namespace {

constexpr std::array<std::string_view, 9> kVerbs = {"HELLO", "HEARTBEAT", "REPLY",
                                                    "CREDIT", "CALL",      "FILE",
                                                    "CHUNK", "COMMIT",    "ABORT"};

constexpr std::array<std::pair<Status::Code, std::string_view>, 8> kCodes = {{
    {Status::Code::kOk, "ok"},
    {Status::Code::kNotFound, "not_found"},
    {Status::Code::kConflict, "conflict"},
    {Status::Code::kCorruption, "corruption"},
    {Status::Code::kIOError, "io_error"},
    {Status::Code::kInvalidArgument, "invalid_argument"},
    {Status::Code::kUnavailable, "unavailable"},
    {Status::Code::kPermissionDenied, "permission_denied"},
}};

}  // namespace

std::vector<std::string> encode_agent_frame(const AgentFrame& frame) {
  std::vector<std::string> out = {std::string(kAgentProtocolTag), frame.verb, frame.body.dump()};
  if (frame.verb == "CHUNK") out.push_back(frame.data);
  return out;
}

Result<AgentFrame> decode_agent_frame(const std::vector<std::string_view>& frames) {
  if (frames.size() < 3 || frames.size() > 4 || frames[0] != kAgentProtocolTag) {
    return Status::invalid_argument("agent frame: not " + std::string(kAgentProtocolTag));
  }
  AgentFrame f;
  f.verb = std::string(frames[1]);
  bool known = false;
  for (std::string_view v : kVerbs) known = known || v == f.verb;
  if (!known) return Status::invalid_argument("agent frame: unknown verb");
  if ((frames.size() == 4) != (f.verb == "CHUNK")) {
    return Status::invalid_argument("agent frame: a data frame belongs to CHUNK only");
  }
  if (frames[2].size() > kMaxAgentBodyBytes) {
    return Status::invalid_argument("agent frame: body too large");
  }
  // Bounded before parsing: nlohmann's parser recurses once per level, so a deeply nested
  // body from another host would otherwise exhaust the stack.
  if (Status s = check_json_depth(frames[2], "agent frame body"); !s.is_ok()) return s;
  f.body = nlohmann::json::parse(frames[2], nullptr, false);
  if (!f.body.is_object()) return Status::invalid_argument("agent frame: body is not a JSON object");
  if (frames.size() == 4) {
    if (frames[3].size() > kAgentChunkBytes) {
      return Status::invalid_argument("agent frame: chunk too large");
    }
    f.data = std::string(frames[3]);
  }
  return f;
}

nlohmann::json status_json(const Status& status) {
  std::string_view code = "io_error";
  for (const auto& [c, name] : kCodes) {
    if (c == status.code()) code = name;
  }
  return {{"code", code}, {"message", status.message()}};
}

Status status_from_json(const nlohmann::json& error) {
  if (!error.is_object()) return Status::corruption("agent reply: malformed error");
  std::string code = error.value("code", "io_error");
  std::string message = error.value("message", "");
  if (code == "not_found") return Status::not_found(message);
  if (code == "conflict") return Status::conflict(message);
  if (code == "corruption") return Status::corruption(message);
  if (code == "invalid_argument") return Status::invalid_argument(message);
  if (code == "unavailable") return Status::unavailable(message);
  if (code == "ok") return Status::ok();
  return Status::io_error(message);
}

}  // namespace distsync
