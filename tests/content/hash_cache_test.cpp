#include "daemon/content/hash_cache.h"

#include <gtest/gtest.h>

#include "daemon/content/sha256_file.h"
#include "tests/content/test_util.h"

namespace distsync {
namespace {

HashCache sample(const std::string& path) {
  HashCache c(path, "/console/Patches");
  c.put("a.msu", CachedHash{10, 1700000000123456789, 42, sha256_hex("a")});
  c.put("dir/with space.cab", CachedHash{0, -5, 7, sha256_hex("b")});
  return c;
}

TEST(HashCacheTest, SaveLoadRoundTrip) {
  testing::TempDir dir;
  ASSERT_TRUE(sample(dir.sub("cache")).save().is_ok());
  HashCache loaded = HashCache::load(dir.sub("cache"), "/console/Patches");
  EXPECT_TRUE(loaded.load_status().is_ok()) << loaded.load_status().to_string();
  ASSERT_EQ(loaded.size(), 2u);
  const std::string* h = loaded.find("dir/with space.cab", 0, -5, 7);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(*h, sha256_hex("b"));
  // Any of size, mtime, inode differing is a miss.
  EXPECT_EQ(loaded.find("a.msu", 11, 1700000000123456789, 42), nullptr);
  EXPECT_EQ(loaded.find("a.msu", 10, 1700000000123456788, 42), nullptr);
  EXPECT_EQ(loaded.find("a.msu", 10, 1700000000123456789, 43), nullptr);
  EXPECT_NE(loaded.find("a.msu", 10, 1700000000123456789, 42), nullptr);
  EXPECT_EQ(loaded.serialize(), sample("x").serialize());
}

TEST(HashCacheTest, MissingCacheIsEmptyNotAnError) {
  testing::TempDir dir;
  HashCache c = HashCache::load(dir.sub("none"), "/r");
  EXPECT_EQ(c.size(), 0u);
  EXPECT_EQ(c.load_status().code(), Status::Code::kNotFound);
}

TEST(HashCacheTest, SavesTheBinaryFormat) {
  std::string bytes = sample("x").serialize();
  EXPECT_TRUE(bytes.starts_with("distsync-hash-cache 2\n"));
  // Raw hashes: two records of 60 bytes + their paths, not 64 hex digits each.
  EXPECT_EQ(bytes.find(sha256_hex("a")), std::string::npos);
  EXPECT_NE(bytes.find("dir/with space.cab"), std::string::npos);
}

TEST(HashCacheTest, CorruptOrTruncatedOrForeignCacheIsIgnored) {
  testing::TempDir dir;
  std::string good = sample("x").serialize();
  std::vector<std::pair<std::string, Status::Code>> variants = {
      {"garbage", Status::Code::kCorruption},
      {"", Status::Code::kCorruption},
      {"distsync-hash-cache 2\n", Status::Code::kCorruption},          // no root length
      {good.substr(0, good.size() / 2), Status::Code::kCorruption},    // truncated
      {good.substr(0, good.size() - 1), Status::Code::kCorruption},    // last byte lost
      {good.substr(0, good.size() - 44), Status::Code::kCorruption},   // no trailer
      {good + "x", Status::Code::kCorruption},                         // data after trailer
  };
  for (std::size_t cut = 22; cut < good.size(); cut += 7) {
    variants.push_back({good.substr(0, cut), Status::Code::kCorruption});
  }
  std::string flipped = good;
  flipped[flipped.find("a.msu")] = 'b';  // record edited: checksum no longer matches
  variants.push_back({flipped, Status::Code::kCorruption});
  std::string hash_flipped = good;
  hash_flipped[good.find("/console/Patches") + 16] ^= 1;  // first byte of the first hash
  variants.push_back({hash_flipped, Status::Code::kCorruption});
  std::string foreign = good;
  foreign.replace(foreign.find("/console/Patches"), 16, "/console/Other!!");
  variants.push_back({foreign, Status::Code::kInvalidArgument});
  for (const auto& [bytes, code] : variants) {
    testing::write_file(dir.sub("cache"), bytes);
    HashCache c = HashCache::load(dir.sub("cache"), "/console/Patches");
    EXPECT_EQ(c.size(), 0u) << bytes.size();
    EXPECT_EQ(c.load_status().code(), code) << bytes.size() << " " << c.load_status().to_string();
    EXPECT_FALSE(c.loaded_old_format());
  }
}

TEST(HashCacheTest, OldTextCacheIsReadAndUpgradedOnSave) {
  testing::TempDir dir;
  std::string v1 = sample("x").serialize_v1();
  ASSERT_TRUE(v1.starts_with("distsync-hash-cache 1 /console/Patches\n"));
  testing::write_file(dir.sub("cache"), v1);
  HashCache old = HashCache::load(dir.sub("cache"), "/console/Patches");
  ASSERT_TRUE(old.load_status().is_ok()) << old.load_status().to_string();
  EXPECT_TRUE(old.loaded_old_format());
  ASSERT_EQ(old.size(), 2u);
  const std::string* h = old.find("a.msu", 10, 1700000000123456789, 42);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(*h, sha256_hex("a"));
  ASSERT_TRUE(old.save().is_ok());
  EXPECT_EQ(testing::read_file(dir.sub("cache")), sample("x").serialize());
  HashCache upgraded = HashCache::load(dir.sub("cache"), "/console/Patches");
  EXPECT_TRUE(upgraded.load_status().is_ok());
  EXPECT_FALSE(upgraded.loaded_old_format());
  EXPECT_EQ(upgraded.size(), 2u);
}

TEST(HashCacheTest, CorruptOldTextCacheIsIgnored) {
  testing::TempDir dir;
  std::string good = sample("x").serialize_v1();
  std::string flipped = good;
  flipped[flipped.find("a.msu")] = 'b';
  std::vector<std::string> variants = {good.substr(0, good.size() / 2),
                                       good.substr(0, good.rfind("end ")), good + "extra\n",
                                       flipped};
  for (const auto& text : variants) {
    testing::write_file(dir.sub("cache"), text);
    HashCache c = HashCache::load(dir.sub("cache"), "/console/Patches");
    EXPECT_EQ(c.size(), 0u);
    EXPECT_EQ(c.load_status().code(), Status::Code::kCorruption) << c.load_status().to_string();
    EXPECT_FALSE(c.loaded_old_format());
  }
}

}  // namespace
}  // namespace distsync
