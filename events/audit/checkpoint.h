// Signed checkpoints: an Ed25519 signature (libsodium) over the head of an exported range, so
// an auditor holding the console's public key can tell a genuine export from one whose chain
// was recomputed after an edit.
//
// Key files live in <data_dir>/keys/ and are created on first use:
//   checkpoint.key  (mode 0600)  "distsync-checkpoint-secret-key ed25519 v1\n" <128 hex>\n
//   checkpoint.pub               "distsync-checkpoint-public-key ed25519 v1\n" <64 hex>\n
// The signed message is checkpoint_message(): a fixed prefix, then seq, head hash (hex),
// time_us and console, one per line. CheckpointKey holds the secret key and wipes it on
// destruction; it is immutable after loading, so const use from many threads is safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/hash.h"
#include "events/result.h"

namespace distsync {

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

struct Checkpoint {
  std::uint64_t seq = 0;   // the last record covered
  Hash256 hash{};          // that record's hash: the head of the exported chain
  std::int64_t time_us = 0;
  std::string console;     // the console that signed
  PublicKey public_key{};  // the key that claims to have signed
  Signature signature{};
};

class CheckpointKey {
 public:
  CheckpointKey(const CheckpointKey&) = delete;
  CheckpointKey& operator=(const CheckpointKey&) = delete;
  CheckpointKey(CheckpointKey&& other) noexcept;
  CheckpointKey& operator=(CheckpointKey&&) = delete;
  ~CheckpointKey();

  // A fresh key pair held in memory only (tests, benchmarks).
  static CheckpointKey generate();

  const PublicKey& public_key() const { return public_; }
  Checkpoint sign(std::uint64_t seq, const Hash256& hash, std::int64_t time_us,
                  std::string console) const;

 private:
  friend Result<CheckpointKey> load_or_create_key(const std::string& data_dir);
  CheckpointKey() = default;

  std::array<std::uint8_t, 64> secret_{};
  PublicKey public_{};
};

// Loads <data_dir>/keys/checkpoint.key, creating the key pair (and the folders) if missing.
// Two processes racing to create it end up with the same key. A secret key readable by group
// or others is refused (InvalidArgument, naming the chmod that fixes it).
[[nodiscard]] Result<CheckpointKey> load_or_create_key(const std::string& data_dir);

// What `distsync-admin public-key` prints: the public key file's text (header line and hex),
// creating the key pair on first use.
[[nodiscard]] Result<std::string> public_key_text(const std::string& data_dir);

// Accepts 64 hex digits, or the path of a file holding them (a checkpoint.pub, whose header
// line is skipped).
[[nodiscard]] Result<PublicKey> parse_public_key(std::string_view hex_or_path);

std::string checkpoint_message(std::uint64_t seq, const Hash256& hash, std::int64_t time_us,
                               std::string_view console);
// True when `cp.signature` is a valid signature by `cp.public_key` over its fields.
bool checkpoint_signature_valid(const Checkpoint& cp);

std::string key_to_hex(const PublicKey& key);
std::string signature_to_hex(const Signature& sig);

// JSONL trailer: {"checkpoint":{"seq":N,"hash":"..","time_us":N,"console":"..",
//                 "public_key":"..","signature":".."}}
std::string checkpoint_to_json(const Checkpoint& cp);
[[nodiscard]] Result<Checkpoint> checkpoint_from_json(std::string_view line);
// True for a line that is a checkpoint trailer rather than an event.
bool is_checkpoint_json(std::string_view line);

// CSV trailer: #checkpoint,seq,hash,time_us,console,public_key,signature
inline constexpr std::string_view kCsvCheckpointTag = "#checkpoint";
std::vector<std::string> checkpoint_to_csv_fields(const Checkpoint& cp);
[[nodiscard]] Result<Checkpoint> checkpoint_from_csv_fields(const std::vector<std::string>& fields);

}  // namespace distsync
