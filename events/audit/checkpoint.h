// Signed checkpoints: an Ed25519 signature (libsodium) over the range an export covers, so
// an auditor holding the console's public key can tell a genuine export from one whose chain
// was recomputed after an edit, or that lost records at either end.
//
// Key files live in <data_dir>/keys/ and are created on first use:
//   checkpoint.key  (mode 0600)  "distsync-checkpoint-secret-key ed25519 v1\n" <128 hex>\n
//   checkpoint.pub               "distsync-checkpoint-public-key ed25519 v1\n" <64 hex>\n
// The signed message is checkpoint_message(): a prefix naming the version, then (v2) the
// first seq and its prev_hash, then the last seq and its hash, time_us and console, one per
// line. Version 1, written by older builds, signed only the last seq and hash; it is still
// read and verified, but says nothing about where the export starts (docs/audit.md).
// CheckpointKey holds the secret key and wipes it on destruction; it is immutable after
// loading, so const use from many threads is safe.
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

inline constexpr int kCheckpointVersion = 2;  // what sign() writes

struct Checkpoint {
  int version = kCheckpointVersion;  // 1 or 2
  std::uint64_t first_seq = 0;       // v2: the first record covered (0 in v1: not stated)
  Hash256 first_prev_hash{};         // v2: that record's prev_hash, where the chain starts
  std::uint64_t seq = 0;             // the last record covered
  Hash256 hash{};                    // that record's hash: the head of the exported chain
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
  // `cp` with public_key and signature filled in: a signature over checkpoint_message(cp),
  // as cp.version says (tests sign version 1 to play an older build).
  // REQUIRES: cp.version is 1 or 2.
  Checkpoint sign(Checkpoint cp) const;

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

// v2: "distsync-checkpoint v2\n<first_seq>\n<first_prev_hash hex>\n<seq>\n<hash hex>\n
//       <time_us>\n<console>"; v1: "distsync-checkpoint v1\n<seq>\n<hash hex>\n<time_us>\n
//       <console>". The prefix differs, so a signature of one version never passes as the other.
std::string checkpoint_message(const Checkpoint& cp);
// True when `cp.signature` is a valid signature by `cp.public_key` over its fields.
bool checkpoint_signature_valid(const Checkpoint& cp);

std::string key_to_hex(const PublicKey& key);
std::string signature_to_hex(const Signature& sig);

// JSONL trailer, v2: {"checkpoint":{"version":2,"first_seq":N,"first_prev_hash":"..","seq":N,
//   "hash":"..","time_us":N,"console":"..","public_key":"..","signature":".."}}
// v1 (read only): {"checkpoint":{"seq":N,"hash":"..","time_us":N,"console":"..",...}}
std::string checkpoint_to_json(const Checkpoint& cp);
[[nodiscard]] Result<Checkpoint> checkpoint_from_json(std::string_view line);
// True for a line that is a checkpoint trailer rather than an event.
bool is_checkpoint_json(std::string_view line);

// CSV trailer, v2: #checkpoint,v2,first_seq,first_prev_hash,seq,hash,time_us,console,
//   public_key,signature; v1 (read only): #checkpoint,seq,hash,time_us,console,public_key,signature
inline constexpr std::string_view kCsvCheckpointTag = "#checkpoint";
std::vector<std::string> checkpoint_to_csv_fields(const Checkpoint& cp);
[[nodiscard]] Result<Checkpoint> checkpoint_from_csv_fields(const std::vector<std::string>& fields);

}  // namespace distsync
