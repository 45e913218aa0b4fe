// ClientPool: ControlClients shared by the web server's request threads. A ControlClient is
// one thread's, so each call borrows an idle client (or connects a new one), uses it alone
// and gives it back; a client whose call failed as Unavailable is dropped, not reused.
// Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "events/mutex.h"
#include "events/result.h"
#include "events/thread_annotations.h"
#include "tools/client/control_client.h"

namespace distsync {

class ClientPool {
 public:
  ClientPool(std::string endpoint, std::chrono::milliseconds timeout)
      : endpoint_(std::move(endpoint)), timeout_(timeout) {}

  Result<nlohmann::json> call(std::string_view op, const nlohmann::json& args);

  const std::string& endpoint() const { return endpoint_; }

 private:
  const std::string endpoint_;
  const std::chrono::milliseconds timeout_;
  Mutex mu_;
  std::vector<std::unique_ptr<ControlClient>> idle_ GUARDED_BY(mu_);
};

}  // namespace distsync
