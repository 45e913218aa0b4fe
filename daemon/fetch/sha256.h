// Sha256: an incremental SHA-256 digest, fed as bytes arrive (the digest of a whole file is
// daemon/content/sha256_file.h).
//
// Digests are rendered as 64 lower-case hex characters, the form the download manifest uses.
// A Sha256 is move-only and thread-compatible; OpenSSL stays behind the implementation.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "events/result.h"

namespace distsync {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t len);
  // Returns the digest of everything fed so far and starts over.
  std::string final_hex();
  // Forgets everything fed so far.
  void reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
