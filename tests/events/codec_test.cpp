#include "events/codec.h"

#include <gtest/gtest.h>

#include <cereal/archives/portable_binary.hpp>
#include <set>
#include <sstream>

#include "events/codec_in_place.h"
#include "events/server_events.h"
#include "events/sync_events.h"
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

// The bytes of two records as the build before the in-place encoder wrote them: the format
// (and so every hash of an existing log) is unchanged.
std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

TEST(CodecTest, RecordBytesAreThoseOfEarlierBuilds) {
  Event e;
  e.seq = 20031;
  e.time_us = 1765432101234567;
  e.console = "console-berlin";
  e.correlation = "job-42";
  FileCopied f;
  f.path = "Patches/windows10.0-kb5034441-x64.msu";
  f.size = 123456789;
  f.mtime_ns = 1765000000123456789;
  f.sha256 = std::string(64, 'a');
  f.verified = true;
  e.payload = f;
  for (int i = 0; i < 32; ++i) e.prev_hash[i] = static_cast<std::uint8_t>(i * 7 + 1);
  e.hash = compute_hash(e.prev_hash, e);
  EXPECT_EQ(hex(encode_record(e)),
      "01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3da327bf7084acf0b3e764ea3d4c2627709"
      "76df2f25688eeeb972247987b111f57b013f4e00000000000087e744b1a64506000e00000000000000636f6e736f6c65"
      "2d6265726c696e06000000000000006a6f622d34320a0000000000000046696c65436f70696564010000002500000000"
      "000000506174636865732f77696e646f777331302e302d6b62353033343434312d7836342e6d737515cd5b0700000000"
      "154dec13268a7e1840000000000000006161616161616161616161616161616161616161616161616161616161616161"
      "616161616161616161616161616161616161616161616161616161616161616101");
  ServerSpec spec;
  spec.name = "dist-berlin";
  spec.root_path = "/srv/dist/berlin";
  spec.description = "Berlin office";
  e.seq = 2;
  e.correlation = "";
  e.payload = ServerAdded{spec};
  e.hash = compute_hash(e.prev_hash, e);
  EXPECT_EQ(hex(encode_record(e)),
      // ServerSpec version 3 (more_agents); the version 2 bytes: AServerSpecOfVersion2StillReads.
      "01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3da8b18d6c8d6c8fc995ba6c4bd2ee97de6"
      "7f2b4f71399f2617af4c1e84ca8d963a01020000000000000087e744b1a64506000e00000000000000636f6e736f6c65"
      "2d6265726c696e00000000000000000b00000000000000536572766572416464656401000000030000000b0000000000"
      "0000646973742d6265726c696e10000000000000002f7372762f646973742f6265726c696e0d00000000000000426572"
      "6c696e206f66666963650001040000000000000000000000000000000000000000000000000000000000000000000000"
      "00000000000000000000000000000000000000000000000000");
}

std::string unhex(std::string_view digits) {
  std::string out;
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(digits.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// A ServerAdded written with ServerSpec version 2 (before pools of agents) still reads: the
// same fields, no more_agents, and its bytes still match their hash.
TEST(CodecTest, AServerSpecOfVersion2StillReads) {
  const std::string record = unhex(
      "01080f161d242b323940474e555c636a71787f868d949ba2a9b0b7bec5ccd3da566e9fa39756fa573482da16e9a7ea28"
      "16d6dcaa42fcff26b7b53d8b24b3d61601020000000000000087e744b1a64506000e00000000000000636f6e736f6c65"
      "2d6265726c696e00000000000000000b00000000000000536572766572416464656401000000020000000b0000000000"
      "0000646973742d6265726c696e10000000000000002f7372762f646973742f6265726c696e0d00000000000000426572"
      "6c696e206f66666963650001040000000000000000000000000000000000000000000000000000000000000000000000"
      "0000000000000000000000000000000000");
  EXPECT_TRUE(record_hash_matches(record));
  auto e = decode_record(record);
  ASSERT_TRUE(e.ok()) << e.status().to_string();
  const ServerAdded* added = e->as<ServerAdded>();
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->server.name, "dist-berlin");
  EXPECT_EQ(added->server.root_path, "/srv/dist/berlin");
  EXPECT_EQ(added->server.description, "Berlin office");
  EXPECT_TRUE(added->server.more_agents.empty());
  EXPECT_TRUE(added->server.pool().empty());
}

TEST(CodecTest, AppendCanonicalBytesAppendsExactlyTheCanonicalBytes) {
  for (const auto& p : testing::sample_payloads()) {
    Event e = make_event(p);
    std::string out = "prefix";
    append_canonical_bytes(&out, e);
    EXPECT_EQ(out, "prefix" + canonical_bytes(e)) << e.type();
  }
}

// The log's encoder writes without an ostream (events/canonical_binary_archive.h); its bytes
// must be cereal's own portable binary archive's, for every event type.
TEST(CodecTest, CanonicalBytesAreThoseOfCerealsPortableBinaryArchive) {
  for (const auto& p : testing::sample_payloads()) {
    Event e = make_event(p);
    std::ostringstream os;
    {
      cereal::PortableBinaryOutputArchive ar(os);
      std::string type(e.type());
      ar(e.seq, e.time_us, e.console, e.correlation, type);
      std::visit([&](const auto& payload) { ar(payload); }, e.payload);
    }
    EXPECT_EQ(hex(canonical_bytes(e)), hex(os.str())) << e.type();
  }
}

// Decoding record after record into one Event leaves nothing of the one before behind.
TEST(CodecTest, DecodeRecordIntoAReusedEventEqualsAFreshDecode) {
  Event reused;
  int n = 0;
  for (int round = 0; round < 2; ++round) {
    for (const auto& p : testing::sample_payloads()) {
      Event e = make_event(p, 100 + n);
      e.correlation = n % 2 ? std::string(300, 'c') : "";
      e.console = n % 3 ? "c" : std::string(40, 'k');
      e.hash = compute_hash(e.prev_hash, e);
      ++n;
      const std::string record = encode_record(e);
      ASSERT_TRUE(decode_record_into(record, &reused).is_ok()) << e.type();
      EXPECT_EQ(reused, e) << e.type();
    }
  }
  EXPECT_EQ(decode_record_into("short", &reused).code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace distsync
