#include "daemon/security/curve_connections.h"

#include <spdlog/spdlog.h>
#include <zmq.h>

namespace distsync {

CurveConnections::CurveConnections(std::shared_ptr<ClientRegistry> clients)
    : clients_(std::move(clients)), seen_(clients_->current()) {}

void CurveConnections::note(void* zmq_msg) {
  const char* key = zmq_msg_gets(static_cast<zmq_msg_t*>(zmq_msg), "User-Id");
  if (key == nullptr || *key == '\0') return;
  std::optional<PeerConnection> connection = PeerConnection::of_message(zmq_msg);
  if (!connection) return;
  // Taken again at every message: a descriptor closed and reused by a later connection
  // must not keep the first one's addresses.
  by_fd_.insert_or_assign(connection->fd(), Noted{key, *connection});
  if (!clients_->current()->find_key(key)) {
    // Removed before this message was read: the sweep that saw the removal did not know it.
    if (connection->shut_down()) ++shut_down_;
    by_fd_.erase(connection->fd());
  }
}

std::size_t CurveConnections::sweep() {
  std::shared_ptr<const ClientAllowlist> now = clients_->current();
  if (now == seen_) return 0;
  seen_ = now;
  std::size_t shut = 0;
  for (auto it = by_fd_.begin(); it != by_fd_.end();) {
    const Noted& n = it->second;
    if (!n.connection.is_current()) {
      it = by_fd_.erase(it);
    } else if (!now->find_key(n.key)) {
      if (n.connection.shut_down()) ++shut;
      it = by_fd_.erase(it);
    } else {
      ++it;
    }
  }
  if (shut > 0) spdlog::info("{} connection(s) of removed client keys shut down", shut);
  shut_down_ += shut;
  return shut;
}

}  // namespace distsync
