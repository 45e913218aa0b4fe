#include "tools/client/curve_client.h"

#include <zmq.h>

namespace distsync {

Status apply_curve_client(void* socket, const CurveClientKeys& keys) {
  if (keys.server_public_key.size() != 40) {
    return Status::invalid_argument("the console key must be 40 Z85 characters ('distsync "
                                    "status' on the console shows it as console_public_key)");
  }
  if (keys.public_key.size() != 40 || keys.secret_key.size() != 40) {
    return Status::invalid_argument("the client key pair is not 40 Z85 characters each");
  }
  if (zmq_setsockopt(socket, ZMQ_CURVE_SERVERKEY, keys.server_public_key.c_str(), 40) != 0 ||
      zmq_setsockopt(socket, ZMQ_CURVE_PUBLICKEY, keys.public_key.c_str(), 40) != 0 ||
      zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, keys.secret_key.c_str(), 40) != 0) {
    return Status::invalid_argument(std::string("cannot make a CURVE client socket: ") +
                                    zmq_strerror(zmq_errno()));
  }
  return Status::ok();
}

}  // namespace distsync
