// ControlClient: one connection to a distsyncd control endpoint (docs/protocol.md).
//
// call() sends ["DSYNC1", {"op":..,"args":..,"id":N}] on a DEALER socket and waits for the
// reply carrying the same id; a late reply to an earlier, timed-out call is discarded. An
// error reply comes back as the Status it names; no reply within the timeout is Unavailable
// ("no reply from distsyncd at <endpoint> within Ns; is it running?").
// Not thread-safe: one thread per client.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "events/result.h"

namespace distsync {

class ControlClient {
 public:
  static Result<std::unique_ptr<ControlClient>> connect(std::string endpoint,
                                                        std::chrono::milliseconds timeout);
  ~ControlClient();
  ControlClient(const ControlClient&) = delete;
  ControlClient& operator=(const ControlClient&) = delete;

  Result<nlohmann::json> call(std::string_view op,
                              const nlohmann::json& args = nlohmann::json::object());

  const std::string& endpoint() const;
  std::chrono::milliseconds timeout() const;

  class Impl;

 private:
  explicit ControlClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
