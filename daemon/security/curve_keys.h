// CURVE key pairs of the console, of agents and of remote CLI users, and their key files.
//
// A key file is text, mode 0600, two lines:
//   public=<40 Z85 characters>
//   secret=<40 Z85 characters>
// generate_key_pair() asks libzmq (zmq_curve_keypair, libsodium underneath); public keys are
// what `distsync agent allow` records, secret keys never leave their file. The console's pair
// lives at <data_dir>/keys/console.key (folder 0700), made on first start. Stateless;
// thread-safe.
#pragma once

#include <string>

#include "events/result.h"

namespace distsync {

struct CurveKeyPair {
  std::string public_key;  // Z85, 40 characters
  std::string secret_key;  // Z85, 40 characters
};

// unavailable when this libzmq has no CURVE.
Result<CurveKeyPair> generate_key_pair();

// Writes a new key file (mode 0600; refused when `path` exists).
Status write_key_file(const std::string& path, const CurveKeyPair& pair);

// invalid_argument naming the file when it is not a key file, or readable by others.
Result<CurveKeyPair> read_key_file(const std::string& path);

// Reads `path`, or makes a pair and writes it there (its folder created 0700) when missing.
Result<CurveKeyPair> load_or_create_key_file(const std::string& path);

// A short fingerprint for lists: the first 12 hex digits of SHA-256 of the Z85 key.
std::string key_fingerprint(const std::string& public_key);

}  // namespace distsync
