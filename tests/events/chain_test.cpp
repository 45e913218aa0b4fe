#include "events/chain.h"

#include <gtest/gtest.h>

#include "events/codec.h"
#include "tests/support/sample_events.h"

namespace distsync {
namespace {

std::vector<Event> make_chain(std::size_t n) {
  std::vector<Event> out;
  Hash256 prev = kGenesisHash;
  auto samples = testing::sample_payloads();
  for (std::size_t i = 0; i < n; ++i) {
    Event e;
    e.seq = i + 1;
    e.time_us = 1000 + static_cast<std::int64_t>(i);
    e.console = "c1";
    e.payload = samples[i % samples.size()];
    e.prev_hash = prev;
    e.hash = compute_hash(prev, e);
    prev = e.hash;
    out.push_back(e);
  }
  return out;
}

TEST(ChainVerifierTest, AcceptsAnIntactChain) {
  ChainVerifier v(1, kGenesisHash);
  for (const Event& e : make_chain(50)) ASSERT_TRUE(v.add(e).is_ok());
  EXPECT_EQ(v.count(), 50u);
}

TEST(ChainVerifierTest, DetectsAChangedPayload) {
  auto chain = make_chain(10);
  chain[4].payload = SyncCancelled{"edited"};
  ChainVerifier v(1, kGenesisHash);
  Status s;
  for (const Event& e : chain) {
    s = v.add(e);
    if (!s.is_ok()) break;
  }
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("seq 5"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("altered"), std::string::npos) << s.message();
}

TEST(ChainVerifierTest, DetectsDeletionAndReordering) {
  auto chain = make_chain(10);
  {
    ChainVerifier v(1, kGenesisHash);
    Status s;
    for (std::size_t i = 0; i < chain.size() && s.is_ok(); ++i) {
      if (i != 3) s = v.add(chain[i]);
    }
    EXPECT_NE(s.message().find("seq 5"), std::string::npos) << s.message();
  }
  {
    std::swap(chain[6], chain[7]);
    ChainVerifier v(1, kGenesisHash);
    Status s;
    for (std::size_t i = 0; i < chain.size() && s.is_ok(); ++i) s = v.add(chain[i]);
    EXPECT_NE(s.message().find("seq 8"), std::string::npos) << s.message();
  }
}

TEST(ChainVerifierTest, SubRangeVerifiesFromItsFirstPrevHash) {
  auto chain = make_chain(20);
  ChainVerifier v;  // unanchored: trusts the first record's prev_hash
  for (std::size_t i = 10; i < 20; ++i) ASSERT_TRUE(v.add(chain[i]).is_ok());
  EXPECT_EQ(v.last_seq(), 20u);
}

TEST(ChainVerifierTest, RawRecordsAreCheckedWithoutTrustingTheirClaims) {
  auto chain = make_chain(3);
  std::string record = encode_record(chain[1]);
  record[record.size() - 2] ^= 0x01;  // flip a payload bit, keep the claimed hash
  ChainVerifier v(1, kGenesisHash);
  ASSERT_TRUE(v.add_record(encode_record(chain[0])).is_ok());
  Status s = v.add_record(record);
  EXPECT_FALSE(s.is_ok());
}

}  // namespace
}  // namespace distsync
