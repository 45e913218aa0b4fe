// RequestRouter: maps control-protocol operations to their handlers, and turns one request
// envelope into exactly one reply body (docs/protocol.md has the grammar).
//
// A handler takes the request's "args" object and returns a JSON result or the Status that
// becomes the error reply. Handlers are registered before the daemon starts serving; other
// parts of the daemon (projections, scheduler, sync) add their own ops the same way.
// Handlers run on the control thread, one at a time; they may block briefly (an append waits
// for its group commit) but never on another request.
// Registration is not thread-safe; handle() is const and may run while nothing registers.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/security/client_allowlist.h"
#include "events/result.h"

namespace distsync {

// The first frame of every request and reply.
inline constexpr std::string_view kProtocolTag = "DSYNC1";

using RequestHandler = std::function<Result<nlohmann::json>(const nlohmann::json& args)>;

class RequestRouter {
 public:
  // REQUIRES: `op` is not registered yet.
  void add(std::string op, RequestHandler handler);
  bool has(std::string_view op) const;
  std::vector<std::string> ops() const;

  // Runs the op's handler; NotFound-free: an unknown op is InvalidArgument naming it.
  Result<nlohmann::json> dispatch(std::string_view op, const nlohmann::json& args) const;

  // The reply body (JSON text) for the frames that followed the peer identity. Never throws:
  // a malformed envelope, an oversized or non-JSON body, a missing op and a handler that
  // throws all become error replies. An auditor's call of an op that is not a read
  // (daemon/security/op_access.h) is refused, permission_denied, before its handler runs;
  // so is every op of a kRevoked peer.
  std::string handle(const std::vector<std::string_view>& frames, std::size_t max_request_bytes,
                     ClientRole role = ClientRole::kOperator) const;

 private:
  std::map<std::string, RequestHandler, std::less<>> handlers_;
};

// {"ok":true,"result":...} and {"ok":false,"error":{"code":..,"message":..}}, with "id"
// echoed when the request carried one.
std::string reply_ok(const nlohmann::json& result, const nlohmann::json* id);
std::string reply_error(const Status& status, const nlohmann::json* id);

}  // namespace distsync
