// EventStream against a real distsyncd for control, and a bus the test drives, so it can
// drop and repeat messages the way a slow subscriber sees them.
#include "tools/client/event_stream.h"

#include <gtest/gtest.h>

#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "events/codec.h"
#include "tests/support/daemon_harness.h"
#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

using testing::DaemonHarness;
using namespace std::chrono_literals;

class TestBus {
 public:
  explicit TestBus(const std::string& endpoint) : socket_(ctx_, zmq::socket_type::pub) {
    socket_.set(zmq::sockopt::linger, 0);
    socket_.bind(endpoint);
  }
  void publish(const Event& e) {
    std::string type(e.type()), seq = std::to_string(e.seq), json = to_json(e);
    std::array<zmq::const_buffer, 3> frames = {zmq::buffer(type), zmq::buffer(seq),
                                               zmq::buffer(json)};
    (void)zmq::send_multipart(socket_, frames);
  }

 private:
  zmq::context_t ctx_;
  zmq::socket_t socket_;
};

std::vector<Event> read_all(ControlClient& client) {
  auto r = client.call("events.read");
  std::vector<Event> out;
  if (!r.ok()) return out;
  for (const auto& j : (*r)["events"]) out.push_back(*from_json(j.dump()));
  return out;
}

TEST(EventStreamTest, CatchesUpThenRepairsBusGapsAndDropsRepeats) {
  testing::TempDir dir;
  std::string data = dir.sub("data");
  DaemonHarness east(data, "east");
  ASSERT_TRUE(east.ready()) << east.process().stderr_text();
  {
    DaemonHarness west(data, "west");
    ASSERT_TRUE(west.ready());
  }  // seq 2
  auto client = ControlClient::connect(east.control_endpoint(), 10s);
  ASSERT_TRUE(client.ok());

  TestBus bus("ipc://" + dir.sub("test.bus"));
  EventStreamOptions options;
  options.from_seq = 1;
  options.page_size = 1;                       // history in several pages
  options.idle_check = std::chrono::hours(1);  // only the bus may reveal new events
  auto stream = EventStream::open(client->get(), "ipc://" + dir.sub("test.bus"), options);
  ASSERT_TRUE(stream.ok()) << stream.status().to_string();

  for (std::uint64_t seq : {1, 2}) {
    auto e = (*stream)->next(5s);
    ASSERT_TRUE(e.ok()) << e.status().to_string();
    ASSERT_TRUE(*e);
    EXPECT_EQ((**e).seq, seq);
  }
  {
    DaemonHarness south(data, "south");
    ASSERT_TRUE(south.ready());
  }  // seq 3
  {
    DaemonHarness north(data, "north");
    ASSERT_TRUE(north.ready());
  }  // seq 4
  std::vector<Event> log = read_all(**client);
  ASSERT_EQ(log.size(), 4u);

  // The bus "lost" seq 3 and shows only 4 (and a repeat of 2). Republish until the
  // subscription is up: ZeroMQ drops what is published before the subscriber joins.
  std::optional<Event> got;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!got && std::chrono::steady_clock::now() < deadline) {
    bus.publish(log[1]);
    bus.publish(log[3]);
    auto e = (*stream)->next(50ms);
    ASSERT_TRUE(e.ok()) << e.status().to_string();
    got = *e;
  }
  ASSERT_TRUE(got) << "stream never saw the bus";
  EXPECT_EQ(got->seq, 3u);
  EXPECT_EQ(got->console, "south");
  EXPECT_EQ(*got, log[2]);
  auto fourth = (*stream)->next(5s);
  ASSERT_TRUE(fourth.ok() && *fourth);
  EXPECT_EQ(**fourth, log[3]);
  EXPECT_GE((*stream)->gaps_repaired(), 1u);

  // Repeats of delivered events are dropped: nothing more to deliver.
  bus.publish(log[3]);
  bus.publish(log[0]);
  auto none = (*stream)->next(200ms);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  EXPECT_EQ((*stream)->last_delivered(), 4u);
}

TEST(EventStreamTest, FollowsTheDaemonsOwnBusAcrossProcesses) {
  testing::TempDir dir;
  std::string data = dir.sub("data");
  DaemonHarness east(data, "east");
  ASSERT_TRUE(east.ready());
  auto client = ControlClient::connect(east.control_endpoint(), 10s);
  ASSERT_TRUE(client.ok());
  auto stream = EventStream::open(client->get(), east.bus_endpoint(), EventStreamOptions{});
  ASSERT_TRUE(stream.ok());
  auto first = (*stream)->next(5s);
  ASSERT_TRUE(first.ok() && *first);
  EXPECT_EQ((**first).console, "east");
  for (const char* id : {"west", "south"}) {
    DaemonHarness other(data, id);
    ASSERT_TRUE(other.ready());
    auto e = (*stream)->next(10s);
    ASSERT_TRUE(e.ok() && *e) << id;
    EXPECT_EQ((**e).console, id);
    EXPECT_EQ((**e).type(), "ConsoleStarted");
  }
  EXPECT_EQ((*stream)->last_delivered(), 3u);
}

}  // namespace
}  // namespace distsync
