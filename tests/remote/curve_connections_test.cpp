// CurveConnections and PeerConnection (daemon/security/curve_connections.h,
// peer_connection.h) with real ZeroMQ sockets and real TCP connections on loopback: an XPUB
// CURVE server behind the daemon's ZapHandler, a clients file on disk, two SUB clients with
// their own keys; a descriptor closed and reused by another connection is left alone.
// Waits poll with deadlines.
#include "daemon/security/curve_connections.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <zmq_addon.hpp>

#include "daemon/security/peer_connection.h"
#include "daemon/security/zap_handler.h"
#include "tests/support/temp_dir.h"

namespace distsync::testing {
namespace {

using namespace std::chrono_literals;

struct KeyPair {
  std::string public_key, secret_key;
};

KeyPair curve_pair() {
  char pub[41] = {}, sec[41] = {};
  EXPECT_EQ(zmq_curve_keypair(pub, sec), 0);
  return {pub, sec};
}

class CurveConnectionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_clients("ann auditor " + ann_.public_key + "\nbob auditor " + bob_.public_key + "\n");
    auto clients = ClientRegistry::open(dir_.sub("clients"));
    ASSERT_TRUE(clients.ok()) << clients.status().to_string();
    clients_ = *clients;
    auto zap = ZapHandler::start(server_ctx_.handle(), clients_);
    ASSERT_TRUE(zap.ok()) << zap.status().to_string();
    zap_ = std::move(zap).value();
    ASSERT_TRUE(make_curve_server(xpub_.handle(), {console_.secret_key, clients_}, "test").is_ok());
    xpub_.set(zmq::sockopt::xpub_verbose, true);
    xpub_.set(zmq::sockopt::linger, 0);
    xpub_.bind("tcp://127.0.0.1:*");
    endpoint_ = xpub_.get(zmq::sockopt::last_endpoint);
  }

  void write_clients(const std::string& text) {
    std::ofstream(dir_.sub("clients.new")) << text;
    ::chmod(dir_.sub("clients.new").c_str(), 0644);
    ASSERT_EQ(std::rename(dir_.sub("clients.new").c_str(), dir_.sub("clients").c_str()), 0);
  }

  zmq::socket_t subscriber(const KeyPair& keys) {
    zmq::socket_t sub(client_ctx_, zmq::socket_type::sub);
    sub.set(zmq::sockopt::curve_serverkey, console_.public_key);
    sub.set(zmq::sockopt::curve_publickey, keys.public_key);
    sub.set(zmq::sockopt::curve_secretkey, keys.secret_key);
    sub.set(zmq::sockopt::linger, 0);
    sub.set(zmq::sockopt::subscribe, "");
    sub.connect(endpoint_);
    return sub;
  }

  // Reads the subscriptions that came up into `c` until it knows `n` connections.
  bool note_until(CurveConnections* c, std::size_t n) {
    for (auto deadline = std::chrono::steady_clock::now() + 10s;
         c->known() < n && std::chrono::steady_clock::now() < deadline;) {
      std::vector<zmq::pollitem_t> items = {{xpub_.handle(), 0, ZMQ_POLLIN, 0}};
      if (zmq::poll(items, 100ms) == 0) continue;
      zmq::message_t msg;
      if (xpub_.recv(msg, zmq::recv_flags::dontwait)) c->note(msg.handle());
    }
    return c->known() == n;
  }

  // Reads what `sub` holds until nothing came for 300 ms (what was sent before a shutdown).
  static void drain(zmq::socket_t& sub) {
    std::vector<zmq::pollitem_t> items = {{sub.handle(), 0, ZMQ_POLLIN, 0}};
    while (zmq::poll(items, 300ms) > 0) {
      zmq::message_t msg;
      while (sub.recv(msg, zmq::recv_flags::dontwait)) {
      }
    }
  }

  // Publishes until `sub` gets a message (true) or `wait` passes (false).
  bool receives(zmq::socket_t& sub, std::chrono::milliseconds wait) {
    for (auto deadline = std::chrono::steady_clock::now() + wait;
         std::chrono::steady_clock::now() < deadline;) {
      (void)xpub_.send(zmq::str_buffer("event"), zmq::send_flags::dontwait);
      std::vector<zmq::pollitem_t> items = {{sub.handle(), 0, ZMQ_POLLIN, 0}};
      if (zmq::poll(items, 50ms) > 0) {
        zmq::message_t msg;
        while (sub.recv(msg, zmq::recv_flags::dontwait)) {
        }
        return true;
      }
    }
    return false;
  }

  TempDir dir_;
  KeyPair console_ = curve_pair(), ann_ = curve_pair(), bob_ = curve_pair();
  std::shared_ptr<ClientRegistry> clients_;
  zmq::context_t server_ctx_{1};
  std::unique_ptr<ZapHandler> zap_;
  zmq::socket_t xpub_{server_ctx_, zmq::socket_type::xpub};
  zmq::context_t client_ctx_{1};
  std::string endpoint_;
};

TEST_F(CurveConnectionsTest, ARemovedKeysSubscriptionIsShutDownAndTheOthersStay) {
  CurveConnections connections(clients_);
  zmq::socket_t ann = subscriber(ann_);
  zmq::socket_t bob = subscriber(bob_);
  ASSERT_TRUE(note_until(&connections, 2));
  ASSERT_TRUE(receives(ann, 5s));
  ASSERT_TRUE(receives(bob, 5s));
  EXPECT_EQ(connections.sweep(), 0u) << "the list did not change";

  write_clients("bob auditor " + bob_.public_key + "\n");
  ASSERT_TRUE(clients_->reload().is_ok());
  EXPECT_EQ(connections.sweep(), 1u);
  EXPECT_EQ(connections.known(), 1u);
  EXPECT_EQ(connections.sweep(), 0u) << "a second sweep of the same list shuts nothing";
  drain(ann);  // the events published for bob before the shutdown
  EXPECT_FALSE(receives(ann, 2s)) << "a removed key's subscription still gets events";
  EXPECT_TRUE(receives(bob, 5s)) << "an allowed subscriber lost its events";
  EXPECT_GE(zap_->refused(), 1u) << "the removed key's reconnect was not refused";
}

TEST_F(CurveConnectionsTest, ASubscriptionOfAKeyRemovedBeforeItWasReadIsShutDownWhenNoted) {
  CurveConnections connections(clients_);
  zmq::socket_t ann = subscriber(ann_);
  // Admitted, then removed before the subscription is read.
  for (auto deadline = std::chrono::steady_clock::now() + 10s;
       !receives(ann, 100ms) && std::chrono::steady_clock::now() < deadline;) {
  }
  write_clients("bob auditor " + bob_.public_key + "\n");
  ASSERT_TRUE(clients_->reload().is_ok());
  zmq::message_t msg;
  ASSERT_TRUE(xpub_.recv(msg, zmq::recv_flags::dontwait));
  connections.note(msg.handle());
  EXPECT_EQ(connections.known(), 0u);
  EXPECT_EQ(connections.shut_down(), 1u);
  drain(ann);
  EXPECT_FALSE(receives(ann, 2s));
}

// A connected pair of TCP sockets on loopback: [0] the accepted end, [1] the client's.
std::array<int, 2> tcp_pair() {
  int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  EXPECT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(::listen(listener, 4), 0);
  EXPECT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  int client = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  int accepted = ::accept(listener, nullptr, nullptr);
  ::close(listener);
  return {accepted, client};
}

TEST(PeerConnectionTest, ShutsItsConnectionDownButNotAnotherOnTheSameDescriptor) {
  auto first = tcp_pair();
  auto conn = PeerConnection::of_fd(first[0]);
  ASSERT_TRUE(conn.has_value());
  EXPECT_TRUE(conn->is_current());

  // The descriptor is closed and its number taken by another connection.
  auto second = tcp_pair();
  ::close(first[0]);
  ASSERT_EQ(::dup2(second[0], first[0]), first[0]);
  ::close(second[0]);
  EXPECT_FALSE(conn->is_current());
  EXPECT_FALSE(conn->shut_down());
  ASSERT_EQ(::write(second[1], "x", 1), 1);
  char c = 0;
  EXPECT_EQ(::read(first[0], &c, 1), 1) << "the other connection was shut down";

  auto now = PeerConnection::of_fd(first[0]);
  ASSERT_TRUE(now.has_value());
  EXPECT_TRUE(now->shut_down());
  EXPECT_EQ(::read(second[1], &c, 1), 0) << "the peer did not see the shutdown";
  EXPECT_FALSE(PeerConnection::of_fd(-1).has_value());
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  EXPECT_FALSE(PeerConnection::of_fd(pipe_fds[0]).has_value()) << "a pipe is no connection";
  for (int fd : {first[0], first[1], second[1], pipe_fds[0], pipe_fds[1]}) ::close(fd);
}

}  // namespace
}  // namespace distsync::testing
