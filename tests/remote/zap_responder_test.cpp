#include "daemon/security/zap_responder.h"

#include <gtest/gtest.h>
#include <zmq.h>

#include <map>

namespace distsync::testing {
namespace {

const std::string kKnown = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
const std::string kUnknown = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";

std::string raw_key(const std::string& z85) {
  std::string raw(32, '\0');
  EXPECT_NE(zmq_z85_decode(reinterpret_cast<std::uint8_t*>(raw.data()), z85.c_str()), nullptr);
  return raw;
}

std::vector<std::string> curve_request(const std::string& z85, const std::string& id = "7") {
  return {"1.0", id, "distsync-agent", "127.0.0.1", "", "CURVE", raw_key(z85)};
}

ZapResponder known_only(std::vector<std::string>* asked = nullptr) {
  return ZapResponder([asked](const std::string& key) -> std::optional<std::string> {
    if (asked) asked->push_back(key);
    if (key == kKnown) return std::string("site-a");
    return std::nullopt;
  });
}

void expect_refused(const std::vector<std::string>& reply, const std::string& id,
                    const std::string& text) {
  ASSERT_EQ(reply.size(), 6u);
  EXPECT_EQ(reply[0], "1.0");
  EXPECT_EQ(reply[1], id);
  EXPECT_EQ(reply[2], "400");
  EXPECT_EQ(reply[3], text);
  EXPECT_EQ(reply[4], "") << "a refusal names no user";
  EXPECT_EQ(reply[5], "");
}

TEST(ZapResponderTest, AnAllowedCurveKeyIsAdmittedUnderTheNameTheLookupGives) {
  std::vector<std::string> asked;
  ZapResponder zap = known_only(&asked);
  std::vector<std::string> reply = zap.answer(curve_request(kKnown, "req-1"));
  ASSERT_EQ(reply.size(), 6u);
  EXPECT_EQ(reply[0], "1.0");
  EXPECT_EQ(reply[1], "req-1");
  EXPECT_EQ(reply[2], "200");
  EXPECT_EQ(reply[4], "site-a");
  EXPECT_EQ(asked, std::vector<std::string>{kKnown}) << "the lookup gets the key in Z85";
  EXPECT_EQ(zap.refused(), 0u);
}

TEST(ZapResponderTest, AnUnknownKeyIsRefusedAndCounted) {
  ZapResponder zap = known_only();
  expect_refused(zap.answer(curve_request(kUnknown)), "7", "key not allowed");
  expect_refused(zap.answer(curve_request(kUnknown)), "7", "key not allowed");
  EXPECT_EQ(zap.refused(), 2u);
}

TEST(ZapResponderTest, NullAndPlainAreRefusedWithoutAskingTheLookup) {
  std::vector<std::string> asked;
  ZapResponder zap = known_only(&asked);
  expect_refused(zap.answer({"1.0", "1", "d", "127.0.0.1", "", "NULL"}), "1",
                 "mechanism not allowed");
  expect_refused(zap.answer({"1.0", "2", "d", "127.0.0.1", "", "PLAIN", "user", "pass"}), "2",
                 "mechanism not allowed");
  // A PLAIN request whose "password" is an allowed key's bytes is still not CURVE.
  expect_refused(zap.answer({"1.0", "3", "d", "127.0.0.1", "", "PLAIN", raw_key(kKnown)}), "3",
                 "mechanism not allowed");
  EXPECT_TRUE(asked.empty());
  EXPECT_EQ(zap.refused(), 3u);
}

TEST(ZapResponderTest, AnotherVersionIsRefused) {
  ZapResponder zap = known_only();
  std::vector<std::string> request = curve_request(kKnown);
  request[0] = "2.0";
  expect_refused(zap.answer(request), "7", "ZAP version not supported");
  request[0] = "";
  expect_refused(zap.answer(request), "7", "ZAP version not supported");
  EXPECT_EQ(zap.refused(), 2u);
}

TEST(ZapResponderTest, MalformedRequestsAreRefusedAndCounted) {
  ZapResponder zap = known_only();
  expect_refused(zap.answer({}), "", "malformed ZAP request");
  expect_refused(zap.answer({"1.0"}), "", "malformed ZAP request");
  expect_refused(zap.answer({"1.0", "9", "d", "127.0.0.1", ""}), "9", "malformed ZAP request");
  // CURVE with no credential, a short one, a long one, or two.
  expect_refused(zap.answer({"1.0", "a", "d", "127.0.0.1", "", "CURVE"}), "a",
                 "malformed CURVE credential");
  expect_refused(zap.answer({"1.0", "b", "d", "127.0.0.1", "", "CURVE", std::string(31, 'k')}),
                 "b", "malformed CURVE credential");
  expect_refused(zap.answer({"1.0", "c", "d", "127.0.0.1", "", "CURVE", raw_key(kKnown) + "x"}),
                 "c", "malformed CURVE credential");
  expect_refused(zap.answer({"1.0", "d", "d", "127.0.0.1", "", "CURVE", raw_key(kKnown),
                             raw_key(kKnown)}),
                 "d", "malformed CURVE credential");
  // The Z85 text of an allowed key is not its 32 bytes.
  expect_refused(zap.answer({"1.0", "e", "d", "127.0.0.1", "", "CURVE", kKnown}), "e",
                 "malformed CURVE credential");
  EXPECT_EQ(zap.refused(), 8u);
}

// serve_one over a real ZeroMQ REQ/REP pair: a malformed request gets its refusal (a REP
// socket that did not answer could never receive again), and the next request is served.
TEST(ZapResponderTest, ServeOneAnswersOnARealRepSocketAndKeepsServing) {
  void* ctx = zmq_ctx_new();
  void* rep = zmq_socket(ctx, ZMQ_REP);
  void* req = zmq_socket(ctx, ZMQ_REQ);
  int linger = 0;
  zmq_setsockopt(rep, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt(req, ZMQ_LINGER, &linger, sizeof linger);
  ASSERT_EQ(zmq_bind(rep, "inproc://zap-responder-test"), 0);
  ASSERT_EQ(zmq_connect(req, "inproc://zap-responder-test"), 0);
  ZapResponder zap = known_only();
  EXPECT_FALSE(zap.serve_one(rep)) << "nothing was waiting";

  auto send = [&](const std::vector<std::string>& frames) {
    for (std::size_t i = 0; i < frames.size(); ++i) {
      int flags = i + 1 < frames.size() ? ZMQ_SNDMORE : 0;
      ASSERT_GE(zmq_send(req, frames[i].data(), frames[i].size(), flags), 0);
    }
  };
  auto serve = [&] {
    zmq_pollitem_t item = {rep, 0, ZMQ_POLLIN, 0};
    ASSERT_EQ(zmq_poll(&item, 1, 5000), 1);
    EXPECT_TRUE(zap.serve_one(rep));
  };
  auto receive = [&] {
    std::vector<std::string> frames;
    for (;;) {
      zmq_msg_t msg;
      zmq_msg_init(&msg);
      EXPECT_GE(zmq_msg_recv(&msg, req, 0), 0);
      frames.emplace_back(static_cast<const char*>(zmq_msg_data(&msg)), zmq_msg_size(&msg));
      bool more = zmq_msg_more(&msg);
      zmq_msg_close(&msg);
      if (!more) return frames;
    }
  };

  send({"1.0", "short"});
  serve();
  expect_refused(receive(), "short", "malformed ZAP request");

  send(curve_request(kKnown, "full"));
  serve();
  std::vector<std::string> reply = receive();
  ASSERT_EQ(reply.size(), 6u);
  EXPECT_EQ(reply[1], "full");
  EXPECT_EQ(reply[2], "200");
  EXPECT_EQ(reply[4], "site-a");
  EXPECT_EQ(zap.refused(), 1u);

  zmq_close(req);
  zmq_close(rep);
  zmq_ctx_term(ctx);
}

}  // namespace
}  // namespace distsync::testing
