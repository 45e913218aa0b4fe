#include "daemon/request_router.h"

#include <exception>
#include <utility>

#include "daemon/security/op_access.h"
#include "events/json_text.h"

namespace distsync {

using nlohmann::json;

void RequestRouter::add(std::string op, RequestHandler handler) {
  DISTSYNC_CHECK(!op.empty() && handler);
  DISTSYNC_CHECK(handlers_.find(op) == handlers_.end());
  handlers_.emplace(std::move(op), std::move(handler));
}

bool RequestRouter::has(std::string_view op) const { return handlers_.find(op) != handlers_.end(); }

std::vector<std::string> RequestRouter::ops() const {
  std::vector<std::string> out;
  for (const auto& [op, h] : handlers_) out.push_back(op);
  return out;
}

Result<json> RequestRouter::dispatch(std::string_view op, const json& args) const {
  auto it = handlers_.find(op);
  if (it == handlers_.end()) {
    return Status::invalid_argument("unknown op '" + std::string(op) + "'");
  }
  try {
    return it->second(args);
  } catch (const json::exception& e) {
    // Handlers read args with nlohmann accessors; a wrong type there is the caller's error.
    return Status::invalid_argument("op '" + std::string(op) + "': bad args: " + e.what());
  } catch (const std::exception& e) {
    return Status::io_error("op '" + std::string(op) + "' failed: " + e.what());
  }
}

std::string RequestRouter::handle(const std::vector<std::string_view>& frames,
                                  std::size_t max_request_bytes, ClientRole role) const {
  if (frames.size() != 2) {
    return reply_error(
        Status::invalid_argument("expected 2 frames [\"" + std::string(kProtocolTag) +
                                 "\", body], got " + std::to_string(frames.size())),
        nullptr);
  }
  if (frames[0] != kProtocolTag) {
    return reply_error(Status::invalid_argument("unsupported protocol tag; this daemon speaks " +
                                                std::string(kProtocolTag)),
                       nullptr);
  }
  // Size first: never parse what we would refuse anyway.
  if (frames[1].size() > max_request_bytes) {
    return reply_error(Status::invalid_argument(
                           "request body of " + std::to_string(frames[1].size()) +
                           " bytes exceeds max_request_bytes " + std::to_string(max_request_bytes)),
                       nullptr);
  }
  // Depth before parsing: a deep tree would overflow the stack when copied or dumped below.
  if (Status s = check_json_depth(frames[1], "request"); !s.is_ok()) return reply_error(s, nullptr);
  json body = json::parse(frames[1], nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    return reply_error(Status::invalid_argument("request body is not valid JSON"), nullptr);
  }
  if (!body.is_object()) {
    return reply_error(Status::invalid_argument("request body must be a JSON object"), nullptr);
  }
  const json* id = body.contains("id") ? &body["id"] : nullptr;
  auto op = body.find("op");
  if (op == body.end() || !op->is_string()) {
    return reply_error(Status::invalid_argument("request needs a string \"op\""), id);
  }
  json args = json::object();
  if (auto a = body.find("args"); a != body.end()) {
    if (!a->is_object()) {
      return reply_error(Status::invalid_argument("\"args\" must be a JSON object"), id);
    }
    args = *a;
  }
  const std::string name = op->get<std::string>();
  if (role == ClientRole::kRevoked) {
    return reply_error(Status::permission_denied("forbidden: this client's key is no longer in "
                                                 "the control clients file"),
                       id);
  }
  if (role == ClientRole::kAuditor && !op_is_read_only(name)) {
    return reply_error(Status::permission_denied("forbidden: auditor role; '" + name +
                                                 "' changes state and needs an operator key"),
                       id);
  }
  auto result = dispatch(name, args);
  if (!result.ok()) return reply_error(result.status(), id);
  return reply_ok(*result, id);
}

std::string reply_ok(const json& result, const json* id) {
  json reply = {{"ok", true}, {"result", result}};
  if (id) reply["id"] = *id;
  return reply.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string reply_error(const Status& status, const json* id) {
  json reply = {
      {"ok", false},
      {"error",
       {{"code", std::string(Status::code_name(status.code()))}, {"message", status.message()}}}};
  if (id) reply["id"] = *id;
  return reply.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace distsync
