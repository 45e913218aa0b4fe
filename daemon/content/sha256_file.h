// SHA-256 of files and byte strings, as lower-case hex.
//
// Files are streamed in large blocks (1 MiB), so memory use does not grow with file size.
// OpenSSL stays an implementation detail. Thread-safe: every call owns its own state.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "events/result.h"

namespace distsync {

inline constexpr std::size_t kHashBlockBytes = 1 << 20;

// Hex SHA-256 of the file at `path`. not_found when it does not exist, io_error otherwise.
// `cancel`, when given, is checked between blocks; a cancelled hash returns unavailable.
Result<std::string> sha256_file(const std::string& path, const std::atomic<bool>* cancel = nullptr);

// Hex SHA-256 of the open file descriptor `fd`, read from offset 0 with pread. `what` names
// the file in error messages. The descriptor is neither moved nor closed.
Result<std::string> sha256_fd(int fd, const std::string& what,
                              const std::atomic<bool>* cancel = nullptr);

// Hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// SHA-256 fed piece by piece, for hashing bytes while they are copied (one read of the
// source serves both). A value; not thread-safe (thread-compatible).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;

  void update(const void* data, std::size_t len);
  // The hex digest of everything fed so far. REQUIRES: called once; no update() after it.
  std::string finish_hex();

 private:
  void* ctx_;  // EVP_MD_CTX*, kept out of this header
};

}  // namespace distsync
