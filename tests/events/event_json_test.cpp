#include "events/event_json.h"

#include <gtest/gtest.h>

#include <cereal/archives/json.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <sstream>

#include "events/compact_json_archive.h"
#include "events/codec.h"
#include "tests/support/cereal_json_reference.h"
#include "tests/support/sample_events.h"

namespace distsync {
namespace {

Event make_event(EventPayload payload, std::string console = "console-a") {
  Event e;
  e.seq = 123456789012;
  e.time_us = 1765432109876543;
  e.console = std::move(console);
  e.correlation = "job-\"42\"\n\t\x01";
  e.payload = std::move(payload);
  e.prev_hash = sha256("previous");
  e.hash = compute_hash(e.prev_hash, e);
  return e;
}

TEST(EventJsonTest, ByteIdenticalToCerealJsonArchiveForEveryType) {
  EventJsonWriter w;
  for (const auto& p : testing::sample_payloads()) {
    Event e = make_event(p);
    std::string fast;
    w.append(&fast, e);
    EXPECT_EQ(fast, testing::reference_event_json(e)) << e.type();
    EXPECT_EQ(payload_json(p), testing::reference_payload_json(p)) << e.type();
  }
}

TEST(EventJsonTest, StringsWithControlAndNonAsciiBytesMatch) {
  std::string nasty = "\"\\/\b\f\n\r\t\x7f caf\xc3\xa9 \xe2\x82\xac";
  // Not NUL: from_json (cereal) ends a string at an escaped NUL, so it would not round-trip.
  for (int c = 1; c < 0x20; ++c) nasty.push_back(static_cast<char>(c));
  Event e = make_event(SyncCancelled{nasty}, nasty);
  std::string fast;
  EventJsonWriter().append(&fast, e);
  EXPECT_EQ(fast, testing::reference_event_json(e));
  Event with_nul = make_event(SyncCancelled{std::string("a\0b", 3)});
  std::string fast_nul;
  EventJsonWriter().append(&fast_nul, with_nul);
  EXPECT_EQ(fast_nul, testing::reference_event_json(with_nul));
  auto back = from_json(fast);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(*back, e);
}

TEST(EventJsonTest, PayloadFromJsonInvertsPayloadToJson) {
  for (const auto& p : testing::sample_payloads()) {
    auto back = payload_from_json(type_name(p), payload_to_json(p));
    ASSERT_TRUE(back.ok()) << back.status().to_string();
    EXPECT_EQ(*back, p);
  }
  EXPECT_FALSE(payload_from_json("NoSuchType", "{}").ok());
  EXPECT_FALSE(payload_from_json("SyncCancelled", "{\"cereal_class_version\":1").ok());
}

// Shapes the event catalogue does not use yet, so the archive stays equivalent when it grows.
enum class Color : std::uint8_t { kRed = 1, kBlue = 200 };
struct Inner {
  int a = -3;
  std::string s = "x";
  template <class Ar>
  void serialize(Ar& ar, std::uint32_t const) {
    ar(CEREAL_NVP(a), CEREAL_NVP(s));
  }
};
struct Outer {
  double d = 0.1;
  double big = 1e300;
  float f = 2.5f;
  Color color = Color::kBlue;
  char c = 'A';
  unsigned short us = 65535;
  long long ll = -9000000000000000000LL;
  std::vector<Inner> items{Inner{}, Inner{7, "y"}};
  std::vector<int> empty;
  std::map<std::string, int> m{{"k1", 1}, {"k2", 2}};
  Inner unnamed_a, unnamed_b;
  template <class Ar>
  void serialize(Ar& ar, std::uint32_t const) {
    ar(CEREAL_NVP(d), CEREAL_NVP(big), CEREAL_NVP(f), CEREAL_NVP(color), CEREAL_NVP(c),
       CEREAL_NVP(us), CEREAL_NVP(ll), CEREAL_NVP(items), CEREAL_NVP(empty), CEREAL_NVP(m));
    ar(unnamed_a, unnamed_b);
  }
};

TEST(CompactJsonArchiveTest, MatchesCerealJsonForOtherShapes) {
  Outer o;
  std::ostringstream os;
  {
    cereal::JSONOutputArchive ar(os, cereal::JSONOutputArchive::Options::NoIndent());
    ar(cereal::make_nvp("v", o));
  }
  std::string pretty = os.str(), expected;
  // NoIndent still puts a newline or space between tokens; drop them outside strings.
  bool in_str = false, esc = false;
  for (char ch : pretty) {
    if (in_str) {
      expected += ch;
      if (esc) esc = false;
      else if (ch == '\\') esc = true;
      else if (ch == '"') in_str = false;
      continue;
    }
    if (ch == '"') in_str = true;
    if (ch == '\n' || ch == ' ') continue;
    expected += ch;
  }
  std::string fast;
  {
    CompactJsonOutputArchive ar(&fast);
    ar(o);
  }
  EXPECT_EQ("{\"v\":" + fast + "}", expected);
}

}  // namespace
}  // namespace distsync
