// CurveConnections: the CURVE client connections of one server socket (the bus, the control
// endpoint), by the key each one authenticated with, so that a key that leaves the control
// clients file has its open connections shut down at once, not at its next reconnect.
//
// The socket's thread notes every message a client sends (a control request; a bus
// subscription, which an XPUB hands up): the message's User-Id is the client's key (the ZAP
// handler names connections so, zap_handler.h) and its ZMQ_SRCFD the connection
// (peer_connection.h). sweep() takes the clients list in force (client_registry.h: re-read on
// SIGHUP or a change of the file) and, when it is not the one the last sweep saw, shuts down
// every noted connection whose key it no longer names. The ZAP handler then refuses the
// client's reconnect. A message of a key already removed has its connection shut down when it
// is noted. A connection that has sent nothing yet is not known; for a subscriber that is
// before its subscription arrived, so before it can receive anything.
//
// Holds a share of the registry. Thread-compatible: one thread (the socket's) calls it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "daemon/security/client_registry.h"
#include "daemon/security/peer_connection.h"

namespace distsync {

class CurveConnections {
 public:
  explicit CurveConnections(std::shared_ptr<ClientRegistry> clients);

  // Notes the connection `zmq_msg` (a received zmq_msg_t*) came in on, under its User-Id.
  // A message without either is ignored.
  void note(void* zmq_msg);
  // When the list in force changed since the last sweep: shuts down the noted connections
  // of keys it no longer names and forgets those whose descriptor holds another connection
  // by now. Returns how many it shut down. Cheap when the list did not change.
  std::size_t sweep();

  std::size_t known() const { return by_fd_.size(); }
  std::uint64_t shut_down() const { return shut_down_; }

 private:
  struct Noted {
    std::string key;
    PeerConnection connection;
  };

  std::shared_ptr<ClientRegistry> clients_;
  std::shared_ptr<const ClientAllowlist> seen_;  // the list the last sweep acted on
  std::map<int, Noted> by_fd_;
  std::uint64_t shut_down_ = 0;
};

}  // namespace distsync
