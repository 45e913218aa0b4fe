// The keys a client uses to reach a tcp:// control or bus endpoint (a CURVE server), and
// how a socket is made a CURVE client with them. The client's own pair comes from a key file
// (daemon/security/curve_keys.h); the console's public key is pinned, so the client talks to
// no other server. Pure values; apply_curve_client is thread-compatible on its socket.
#pragma once

#include <string>

#include "events/status.h"

namespace distsync {

struct CurveClientKeys {
  std::string public_key;         // Z85, the client's
  std::string secret_key;         // Z85, the client's; never printed
  std::string server_public_key;  // Z85, the console's (`distsync status` shows it)
};

// `zmq_socket` is a zmq_socket() handle, not yet connected. invalid_argument when a key is
// not 40 Z85 characters (the message never contains the secret).
Status apply_curve_client(void* zmq_socket, const CurveClientKeys& keys);

}  // namespace distsync
