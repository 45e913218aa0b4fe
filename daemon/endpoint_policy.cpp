#include "daemon/endpoint_policy.h"

#include <string>

namespace distsync {

Status check_endpoint_authentication(std::string_view role, std::string_view endpoint) {
  // ZeroMQ's other network transports (ws://, udp://, pgm://) are no safer; only tcp is
  // named because it is the one the config grammar ever admitted.
  if (endpoint.substr(0, 6) != "tcp://") return Status::ok();
  return Status::invalid_argument(std::string(role) + " endpoint " + std::string(endpoint) +
                                  " refused: tcp endpoints need CURVE authentication, which "
                                  "this build does not have yet; use ipc://");
}

}  // namespace distsync
