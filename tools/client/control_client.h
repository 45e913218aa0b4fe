// ControlClient: one connection to a distsyncd control endpoint (docs/protocol.md).
//
// call() sends ["DSYNC1", {"op":..,"args":..,"id":N}] on a DEALER socket and waits for the
// reply carrying the same id; a late reply to an earlier, timed-out call is discarded. An
// error reply comes back as the Status it names; no reply within the timeout is Unavailable
// ("no reply from distsyncd at <endpoint> within Ns; is it running?").
// With `curve`, the socket is a CURVE client (required for a tcp:// endpoint: the daemon
// admits only allowed keys, and a refused key gets no reply at all, so it times out).
// Not thread-safe: one thread per client.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <optional>
#include <string_view>

#include "events/result.h"
#include "tools/client/curve_client.h"

namespace distsync {

class ControlClient {
 public:
  static Result<std::unique_ptr<ControlClient>> connect(
      std::string endpoint, std::chrono::milliseconds timeout,
      std::optional<CurveClientKeys> curve = std::nullopt);
  ~ControlClient();
  ControlClient(const ControlClient&) = delete;
  ControlClient& operator=(const ControlClient&) = delete;

  Result<nlohmann::json> call(std::string_view op,
                              const nlohmann::json& args = nlohmann::json::object());

  const std::string& endpoint() const;
  const std::optional<CurveClientKeys>& curve() const;  // for the bus of the same console
  std::chrono::milliseconds timeout() const;

  class Impl;

 private:
  explicit ControlClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
