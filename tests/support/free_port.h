// free_port: a TCP port on 127.0.0.1 that nothing listens on at the moment of the call (a
// socket bound to port 0, the port the kernel chose read back, the socket closed). For tests
// that start a server on a loopback port, and for tests that need a port where a connect is
// refused. Another process may take the port before the caller binds it: a caller that starts
// a server on it retries with a new port when the bind fails (samba_server.h does). Returns 0
// when no socket could be bound. Thread-safe.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace distsync::testing {

inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace distsync::testing
