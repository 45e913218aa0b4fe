// PeerConnection: one TCP connection that a ZeroMQ socket of this process carries, named by
// the file descriptor a message received on it reports (ZMQ_SRCFD) and by its two addresses.
//
// libzmq has no per-peer disconnect for PUB, XPUB or ROUTER sockets; shutting the
// connection's descriptor down makes the socket's I/O thread drop it (the descriptor stays
// libzmq's: it is never closed here). Descriptors are reused once closed, so the addresses
// taken when the message arrived are compared again before the shutdown: a descriptor that
// now holds another connection, or something else, is left alone.
// A value; thread-compatible. Used by the bus, the control endpoint (curve_connections.h)
// and the agent hub.
#pragma once

#include <optional>
#include <string>

namespace distsync {

class PeerConnection {
 public:
  // The connection `zmq_msg` (a zmq_msg_t*, received from a socket) came in on; nullopt when
  // it names none (not tcp, or a message this process built) or the descriptor is no socket.
  static std::optional<PeerConnection> of_message(void* zmq_msg);
  // The connected socket on `fd` as it is now; nullopt when it is none.
  static std::optional<PeerConnection> of_fd(int fd);

  int fd() const { return fd_; }
  // True while `fd` still holds the connection this value was taken from.
  bool is_current() const;
  // Shuts the connection down (both directions) when is_current(); true when it did.
  bool shut_down() const;

 private:
  PeerConnection(int fd, std::string local, std::string peer)
      : fd_(fd), local_(std::move(local)), peer_(std::move(peer)) {}

  int fd_;
  std::string local_;  // the raw sockaddr bytes of each end
  std::string peer_;
};

}  // namespace distsync
