#include "daemon/endpoint_policy.h"

#include <string>

namespace distsync {

Status check_endpoint_authentication(std::string_view role, std::string_view endpoint,
                                     std::string_view control_clients_file) {
  // ZeroMQ's other network transports (ws://, udp://, pgm://) are no safer; only tcp is
  // named because it is the one the config grammar ever admitted.
  if (endpoint.substr(0, 6) != "tcp://") return Status::ok();
  const std::string head = std::string(role) + " endpoint " + std::string(endpoint) + " refused: ";
  if (role == "copy") {
    return Status::invalid_argument(head +
                                    "copy workers have no CURVE authentication; use ipc://, "
                                    "and put a remote server on a distsync-agent (docs/agents.md)");
  }
  if (!control_clients_file.empty()) return Status::ok();
  return Status::invalid_argument(head +
                                  "tcp endpoints need CURVE keys; set control_clients_file "
                                  "(docs/configuration.md) or use ipc://");
}

}  // namespace distsync
