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

TEST(HashCacheTest, CorruptOrForeignCacheIsIgnored) {
  testing::TempDir dir;
  std::string good = sample("x").serialize();
  std::vector<std::pair<std::string, Status::Code>> variants = {
      {"garbage", Status::Code::kCorruption},
      {good.substr(0, good.size() / 2), Status::Code::kCorruption},     // truncated
      {good.substr(0, good.rfind("end ")), Status::Code::kCorruption},  // no trailer
      {good + "extra\n", Status::Code::kCorruption},
  };
  std::string flipped = good;
  flipped[flipped.find("a.msu")] = 'b';  // record edited: checksum no longer matches
  variants.push_back({flipped, Status::Code::kCorruption});
  std::string foreign = good;
  foreign.replace(foreign.find("/console/Patches"), 16, "/console/Other!!");
  variants.push_back({foreign, Status::Code::kInvalidArgument});
  for (const auto& [text, code] : variants) {
    testing::write_file(dir.sub("cache"), text);
    HashCache c = HashCache::load(dir.sub("cache"), "/console/Patches");
    EXPECT_EQ(c.size(), 0u);
    EXPECT_EQ(c.load_status().code(), code) << c.load_status().to_string();
  }
}

}  // namespace
}  // namespace distsync
