#include "daemon/security/peer_connection.h"

#include <sys/socket.h>
#include <zmq.h>

namespace distsync {
namespace {

// Both ends of the connected socket `fd`, as raw sockaddr bytes; false when it is none.
bool addresses_of(int fd, std::string* local, std::string* peer) {
  sockaddr_storage a{}, b{};
  socklen_t a_len = sizeof a, b_len = sizeof b;
  if (fd < 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &a_len) != 0 ||
      ::getpeername(fd, reinterpret_cast<sockaddr*>(&b), &b_len) != 0) {
    return false;
  }
  local->assign(reinterpret_cast<const char*>(&a), a_len);
  peer->assign(reinterpret_cast<const char*>(&b), b_len);
  return true;
}

}  // namespace

std::optional<PeerConnection> PeerConnection::of_message(void* zmq_msg) {
  // libzmq keeps the descriptor in the connection's metadata, so it is the one the message
  // came in on (not the socket's last connection).
  return of_fd(zmq_msg_get(static_cast<zmq_msg_t*>(zmq_msg), ZMQ_SRCFD));
}

std::optional<PeerConnection> PeerConnection::of_fd(int fd) {
  std::string local, peer;
  if (!addresses_of(fd, &local, &peer)) return std::nullopt;
  return PeerConnection(fd, std::move(local), std::move(peer));
}

bool PeerConnection::is_current() const {
  std::string local, peer;
  return addresses_of(fd_, &local, &peer) && local == local_ && peer == peer_;
}

bool PeerConnection::shut_down() const {
  return is_current() && ::shutdown(fd_, SHUT_RDWR) == 0;
}

}  // namespace distsync
