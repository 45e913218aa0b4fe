// BusPublisher over a real LmdbEventLog and a real ZeroMQ SUB socket: every event, in seq
// order, as [type][seq][to_json(event)], whatever came before it (the publisher reuses its
// decode and JSON buffers from record to record, so a short event after a long one, or an
// empty field after a full one, must not carry anything over).
#include "daemon/bus_publisher.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>
#include <zmq.hpp>

#include "events/codec.h"
#include "events/log/lmdb_event_log.h"
#include "tests/support/sample_events.h"
#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

using testing::TempDir;

struct Message {
  std::string type, seq, json;
};

bool receive(zmq::socket_t& sub, Message* m) {
  zmq::message_t type, seq, body;
  if (!sub.recv(type) || !type.more() || !sub.recv(seq) || !seq.more() || !sub.recv(body)) return false;
  EXPECT_FALSE(body.more());
  *m = {type.to_string(), seq.to_string(), body.to_string()};
  return true;
}

TEST(BusPublisherTest, PublishesEveryEventInOrderAsTypeSeqAndItsJson) {
  TempDir dir;
  LmdbLogOptions o;
  o.dir = dir.sub("log");
  o.console = "bus-test-console";
  auto log = LmdbEventLog::open(o);
  ASSERT_TRUE(log.ok()) << log.status().to_string();
  BusOptions bo;
  bo.endpoint = "ipc://" + dir.sub("bus");
  bo.high_water_mark = 0;
  auto bus = BusPublisher::start(bo, log->get(), 0);
  ASSERT_TRUE(bus.ok()) << bus.status().to_string();

  zmq::context_t ctx(1);
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::rcvhwm, 0);
  sub.set(zmq::sockopt::subscribe, "");
  sub.set(zmq::sockopt::rcvtimeo, 200);
  sub.connect(bo.endpoint);
  // The subscription reaches the PUB socket some time after connect(): append one event at a
  // time until one arrives; the test then starts from the seq after it.
  Message m;
  for (int i = 0;; ++i) {
    ASSERT_LT(i, 100) << "no event reached the subscriber";
    ASSERT_TRUE((*log)->append({{"warm-up", SyncCancelled{"warm-up"}}}).ok());
    if (receive(sub, &m)) break;
  }
  std::uint64_t last = std::stoull(m.seq);
  for (Message more; receive(sub, &more);) last = std::stoull(more.seq);
  const std::uint64_t first = last + 1;

  // Every event type, long fields next to short and empty ones, in three transactions.
  const std::string long_path = "Patches/" + std::string(3000, 'p') + ".msu";
  std::vector<std::vector<EventDraft>> batches(3);
  int n = 0;
  for (int round = 0; round < 2; ++round) {
    for (const EventPayload& p : testing::sample_payloads()) {
      batches[n % 3].push_back({n % 2 ? "" : "job-" + std::string(40, 'c'), p});
      FileCopied f;
      f.path = n % 2 ? long_path : "a";
      f.sha256 = n % 2 ? std::string(64, 'e') : "";
      batches[n % 3].push_back({n % 3 ? "j" : "", f});
      ++n;
    }
  }
  std::uint64_t to = 0;
  for (auto& b : batches) {
    auto r = (*log)->append(std::move(b));
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    to = r->last_seq;
  }
  auto events = (*log)->read(first, to, 100000);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), to - first + 1);

  sub.set(zmq::sockopt::rcvtimeo, 10000);
  for (const Event& e : *events) {
    ASSERT_TRUE(receive(sub, &m)) << "seq " << e.seq << " never arrived";
    EXPECT_EQ(m.seq, std::to_string(e.seq));
    EXPECT_EQ(m.type, e.type()) << "seq " << e.seq;
    EXPECT_EQ(m.json, to_json(e)) << "seq " << e.seq;
  }
  (*bus)->stop();
  EXPECT_EQ((*bus)->last_published(), to);
}

}  // namespace
}  // namespace distsync
