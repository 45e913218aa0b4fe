#include "events/codec.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/support/sample_events.h"

namespace distsync {
namespace {

Event make_event(EventPayload payload, std::uint64_t seq = 7) {
  Event e;
  e.seq = seq;
  e.time_us = 1765432109876543;
  e.console = "console-a";
  e.correlation = "job-42";
  e.payload = std::move(payload);
  e.prev_hash = sha256("previous");
  e.hash = compute_hash(e.prev_hash, e);
  return e;
}

TEST(CodecTest, SamplesCoverEveryEventType) {
  std::set<std::string_view> seen;
  for (const auto& p : testing::sample_payloads()) seen.insert(type_name(p));
  for (auto name : all_event_types()) EXPECT_TRUE(seen.count(name)) << "no sample for " << name;
  EXPECT_EQ(seen.size(), all_event_types().size());
}

TEST(CodecTest, BinaryRoundTripForEveryType) {
  for (const auto& p : testing::sample_payloads()) {
    Event e = make_event(p);
    auto back = decode_record(encode_record(e));
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(*back, e) << e.type();
    EXPECT_TRUE(record_hash_matches(encode_record(e)));
  }
}

TEST(CodecTest, JsonRoundTripForEveryType) {
  for (const auto& p : testing::sample_payloads()) {
    Event e = make_event(p);
    std::string json = to_json(e);
    EXPECT_EQ(json.find('\n'), std::string::npos) << json;
    EXPECT_NE(json.find("\"type\":\"" + std::string(e.type()) + "\""), std::string::npos) << json;
    EXPECT_NE(json.find("cereal_class_version"), std::string::npos) << json;
    auto back = from_json(json);
    ASSERT_TRUE(back.ok()) << back.status().to_string() << "\n" << json;
    EXPECT_EQ(*back, e) << json;
    EXPECT_EQ(compute_hash(back->prev_hash, *back), e.hash);
  }
}

TEST(CodecTest, UnknownTypeIsCorruption) {
  std::string json = to_json(make_event(SyncCancelled{"x"}));
  json.replace(json.find("SyncCancelled"), 13, "SyncExploded!");
  auto back = from_json(json);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().code(), Status::Code::kCorruption);
  EXPECT_NE(back.status().message().find("SyncExploded!"), std::string::npos);
}

TEST(CodecTest, NewerPayloadVersionIsRefused) {
  std::string json = to_json(make_event(SyncCancelled{"x"}));
  auto pos = json.find("\"cereal_class_version\":1");
  ASSERT_NE(pos, std::string::npos);
  json.replace(pos, 24, "\"cereal_class_version\":9");
  auto back = from_json(json);
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.status().message().find("newer"), std::string::npos) << back.status().message();
}

TEST(CodecTest, TruncatedAndGarbageRecordsAreCorruption) {
  std::string record = encode_record(make_event(SyncQueued{"s", "all", "cli", "", false, false}));
  for (std::size_t cut : {std::size_t{0}, std::size_t{10}, std::size_t{64}, record.size() - 3}) {
    auto back = decode_record(std::string_view(record).substr(0, cut));
    EXPECT_FALSE(back.ok()) << "cut at " << cut;
  }
  EXPECT_FALSE(from_json("{not json").ok());
  EXPECT_FALSE(from_json("").ok());
}

TEST(CodecTest, HashCoversEveryEnvelopeField) {
  Event e = make_event(SyncCancelled{"x"});
  Event other = e;
  other.console = "console-b";
  EXPECT_NE(compute_hash(e.prev_hash, e), compute_hash(other.prev_hash, other));
  other = e;
  other.time_us += 1;
  EXPECT_NE(compute_hash(e.prev_hash, e), compute_hash(other.prev_hash, other));
  other = e;
  other.correlation = "job-43";
  EXPECT_NE(compute_hash(e.prev_hash, e), compute_hash(other.prev_hash, other));
  EXPECT_NE(compute_hash(sha256("a"), e), compute_hash(sha256("b"), e));
}

}  // namespace
}  // namespace distsync
