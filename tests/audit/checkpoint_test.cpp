#include "events/audit/checkpoint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

using testing::TempDir;

mode_t mode_of(const std::string& path) {
  struct stat st{};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST(CheckpointKeyTest, CreatedOnFirstUseThenReused) {
  TempDir dir;
  auto k1 = load_or_create_key(dir.path());
  ASSERT_TRUE(k1.ok()) << k1.status().to_string();
  const std::string key_path = dir.sub("keys/checkpoint.key");
  EXPECT_EQ(mode_of(key_path), 0600u);
  EXPECT_EQ(mode_of(dir.sub("keys")), 0700u);
  auto k2 = load_or_create_key(dir.path());
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(k1->public_key(), k2->public_key());

  auto text = public_key_text(dir.path());
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->rfind("distsync-checkpoint-public-key ed25519 v1\n", 0), 0u) << *text;
  EXPECT_NE(text->find(key_to_hex(k1->public_key())), std::string::npos);

  // The auditor's forms: the .pub file, its hex, or the printed text saved to a file.
  auto from_file = parse_public_key(dir.sub("keys/checkpoint.pub"));
  ASSERT_TRUE(from_file.ok()) << from_file.status().to_string();
  EXPECT_EQ(*from_file, k1->public_key());
  auto from_hex = parse_public_key(key_to_hex(k1->public_key()));
  ASSERT_TRUE(from_hex.ok());
  EXPECT_EQ(*from_hex, k1->public_key());
  EXPECT_FALSE(parse_public_key("abc").ok());
  EXPECT_FALSE(parse_public_key(dir.sub("nope")).ok());
}

TEST(CheckpointKeyTest, SecretKeyReadableByOthersIsRefused) {
  TempDir dir;
  ASSERT_TRUE(load_or_create_key(dir.path()).ok());
  const std::string key_path = dir.sub("keys/checkpoint.key");
  ASSERT_EQ(::chmod(key_path.c_str(), 0644), 0);
  auto k = load_or_create_key(dir.path());
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(k.status().message().find("chmod 600"), std::string::npos);
}

TEST(CheckpointKeyTest, GarbageKeyFileIsCorruption) {
  TempDir dir;
  std::filesystem::create_directories(dir.sub("keys"));
  {
    std::ofstream(dir.sub("keys/checkpoint.key")) << "not a key\n";
  }
  ::chmod(dir.sub("keys/checkpoint.key").c_str(), 0600);
  auto k = load_or_create_key(dir.path());
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.status().code(), Status::Code::kCorruption);
}

Checkpoint sample(const CheckpointKey& key, std::string console, int version = 2) {
  Checkpoint cp;
  cp.version = version;
  if (version >= 2) {
    cp.first_seq = 7;
    cp.first_prev_hash = sha256("start");
  }
  cp.seq = 42;
  cp.hash = sha256("head");
  cp.time_us = 1765432109876543;
  cp.console = std::move(console);
  return key.sign(cp);
}

TEST(CheckpointTest, SignatureCoversEveryField) {
  auto key = CheckpointKey::generate();
  Checkpoint cp = sample(key, "console \"a\"");
  EXPECT_TRUE(checkpoint_signature_valid(cp));
  Checkpoint c = cp;
  c.first_seq = 1;
  EXPECT_FALSE(checkpoint_signature_valid(c));
  c = cp;
  c.first_prev_hash = Hash256{};
  EXPECT_FALSE(checkpoint_signature_valid(c));
  c = cp;
  c.version = 1;  // a v2 signature never passes as v1
  EXPECT_FALSE(checkpoint_signature_valid(c));
  c = cp;
  c.seq = 43;
  EXPECT_FALSE(checkpoint_signature_valid(c));
  c = cp;
  c.hash = sha256("other");
  EXPECT_FALSE(checkpoint_signature_valid(c));
  c = cp;
  c.time_us += 1;
  EXPECT_FALSE(checkpoint_signature_valid(c));
  c = cp;
  c.console = "console-b";
  EXPECT_FALSE(checkpoint_signature_valid(c));
  c = cp;
  c.public_key = CheckpointKey::generate().public_key();
  EXPECT_FALSE(checkpoint_signature_valid(c));
}

TEST(CheckpointTest, JsonAndCsvTrailersRoundTrip) {
  auto key = CheckpointKey::generate();
  Checkpoint cp = sample(key, "console, \"a\"");
  std::string json = checkpoint_to_json(cp);
  EXPECT_TRUE(is_checkpoint_json(json));
  EXPECT_EQ(json.rfind("{\"checkpoint\":{\"version\":2,\"first_seq\":7,\"first_prev_hash\":\"", 0),
            0u)
      << json;
  auto back = checkpoint_from_json(json);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->version, 2);
  EXPECT_EQ(back->first_seq, 7u);
  EXPECT_EQ(back->first_prev_hash, sha256("start"));
  EXPECT_EQ(back->seq, 42u);
  EXPECT_EQ(back->console, cp.console);
  EXPECT_TRUE(checkpoint_signature_valid(*back));

  auto fields = checkpoint_to_csv_fields(cp);
  EXPECT_EQ(fields[0], "#checkpoint");
  EXPECT_EQ(fields[1], "v2");
  auto csv_back = checkpoint_from_csv_fields(fields);
  ASSERT_TRUE(csv_back.ok()) << csv_back.status().to_string();
  EXPECT_EQ(csv_back->first_seq, 7u);
  EXPECT_TRUE(checkpoint_signature_valid(*csv_back));
  fields[2] = "x";
  EXPECT_FALSE(checkpoint_from_csv_fields(fields).ok());
  EXPECT_FALSE(checkpoint_from_json("{\"checkpoint\":{\"seq\":1}}").ok());
  EXPECT_FALSE(checkpoint_from_json("{\"checkpoint\":{\"version\":3,\"first_seq\":1}}").ok());
}

// Exports signed by older builds still read: their trailer has no version and covers less.
TEST(CheckpointTest, VersionOneTrailersRoundTrip) {
  auto key = CheckpointKey::generate();
  Checkpoint cp = sample(key, "console-a", 1);
  std::string json = checkpoint_to_json(cp);
  EXPECT_EQ(json.rfind("{\"checkpoint\":{\"seq\":42,\"hash\":\"", 0), 0u) << json;
  auto back = checkpoint_from_json(json);
  ASSERT_TRUE(back.ok()) << back.status().to_string();
  EXPECT_EQ(back->version, 1);
  EXPECT_TRUE(checkpoint_signature_valid(*back));
  auto fields = checkpoint_to_csv_fields(cp);
  EXPECT_EQ(fields.size(), 7u);
  auto csv_back = checkpoint_from_csv_fields(fields);
  ASSERT_TRUE(csv_back.ok());
  EXPECT_EQ(csv_back->version, 1);
  EXPECT_TRUE(checkpoint_signature_valid(*csv_back));
  fields[1] = "x";
  EXPECT_FALSE(checkpoint_from_csv_fields(fields).ok());
}

}  // namespace
}  // namespace distsync
