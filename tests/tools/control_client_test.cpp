// ControlClient against a scripted ROUTER peer: timeouts, late replies, error mapping.
#include "tools/client/control_client.h"

#include <gtest/gtest.h>

#include <thread>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// Receives one request and answers it with each of `bodies` in turn ("$ID" -> the request id).
class ScriptedServer {
 public:
  ScriptedServer(const std::string& endpoint, std::vector<std::string> bodies)
      : socket_(ctx_, zmq::socket_type::router) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind(endpoint);
    thread_ = std::thread([this, bodies = std::move(bodies)] {
      std::vector<zmq::message_t> req;
      if (!zmq::recv_multipart(socket_, std::back_inserter(req))) return;
      json body = json::parse(req.at(2).to_string_view());
      request_ = body;
      for (std::string reply : bodies) {
        auto pos = reply.find("$ID");
        if (pos != std::string::npos) reply.replace(pos, 3, body["id"].dump());
        std::array<zmq::const_buffer, 3> out = {zmq::buffer(req[0].data(), req[0].size()),
                                                zmq::str_buffer("DSYNC1"), zmq::buffer(reply)};
        (void)zmq::send_multipart(socket_, out);
      }
    });
  }
  ~ScriptedServer() { thread_.join(); }
  json request() const { return request_; }

 private:
  zmq::context_t ctx_;
  zmq::socket_t socket_;
  std::thread thread_;
  json request_;
};

TEST(ControlClientTest, SkipsLateRepliesToEarlierRequests) {
  testing::TempDir dir;
  std::string ep = "ipc://" + dir.sub("c.control");
  ScriptedServer server(ep, {R"({"ok":true,"result":{"stale":true},"id":12345})",
                             R"({"ok":true,"result":{"fresh":true},"id":$ID})"});
  auto client = ControlClient::connect(ep, 10s);
  ASSERT_TRUE(client.ok());
  auto r = (*client)->call("status", {{"x", 1}});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
  EXPECT_EQ((*r)["fresh"], true);
  EXPECT_FALSE(r->contains("stale"));
}

TEST(ControlClientTest, ErrorRepliesBecomeTheirStatus) {
  testing::TempDir dir;
  std::string ep = "ipc://" + dir.sub("c.control");
  ScriptedServer server(
      ep, {R"({"ok":false,"error":{"code":"conflict","message":"server 'x' exists"},"id":$ID})"});
  auto client = ControlClient::connect(ep, 10s);
  ASSERT_TRUE(client.ok());
  auto r = (*client)->call("servers.add");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kConflict);
  EXPECT_EQ(r.status().message(), "server 'x' exists");
}

TEST(ControlClientTest, NoReplyIsUnavailableNamingEndpointAndTimeout) {
  testing::TempDir dir;
  std::string ep = "ipc://" + dir.sub("c.control");
  ScriptedServer silent(ep, {});
  auto client = ControlClient::connect(ep, 200ms);
  ASSERT_TRUE(client.ok());
  auto r = (*client)->call("status");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(r.status().message(),
            "no reply from distsyncd at " + ep + " within 0.2s; is it running?");
}

TEST(ControlClientTest, MissingSocketFileFailsAtOnce) {
  testing::TempDir dir;
  auto client = ControlClient::connect("ipc://" + dir.sub("none.control"), 10s);
  ASSERT_TRUE(client.ok());
  auto started = std::chrono::steady_clock::now();
  auto r = (*client)->call("status");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

}  // namespace
}  // namespace distsync
