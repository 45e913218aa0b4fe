#include "tools/web/client_pool.h"

namespace distsync {

Result<nlohmann::json> ClientPool::call(std::string_view op, const nlohmann::json& args) {
  std::unique_ptr<ControlClient> client;
  {
    MutexLock lock(&mu_);
    if (!idle_.empty()) {
      client = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!client) {
    auto connected = ControlClient::connect(endpoint_, timeout_);
    if (!connected.ok()) return connected.status();
    client = std::move(*connected);
  }
  auto reply = client->call(op, args);
  if (!reply.ok() && reply.status().code() == Status::Code::kUnavailable) return reply;
  MutexLock lock(&mu_);
  if (idle_.size() < 16) idle_.push_back(std::move(client));
  return reply;
}

}  // namespace distsync
