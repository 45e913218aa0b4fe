#include "events/hash.h"

#include <openssl/evp.h>

#include <memory>

#include "events/status.h"

namespace distsync {

namespace {
struct ContextDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// The SHA-256 implementation, fetched from the provider once. EVP_sha256() would make every
// EVP_DigestInit_ex look it up again (a run-once check and a lock per digest, about a fifth
// of the log writer's time); with the same fetched digest, re-initialising a context reuses
// its provider state.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  DISTSYNC_CHECK(md != nullptr);
  return md;
}
}  // namespace

Hash256 sha256(std::string_view a, std::string_view b) {
  // One context per thread, reused: allocating one per event costs more than hashing it.
  thread_local std::unique_ptr<EVP_MD_CTX, ContextDeleter> ctx(EVP_MD_CTX_new());
  DISTSYNC_CHECK(ctx != nullptr);
  Hash256 out{};
  unsigned int len = 0;
  bool ok = EVP_DigestInit_ex2(ctx.get(), sha256_md(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx.get(), a.data(), a.size()) == 1 &&
            EVP_DigestUpdate(ctx.get(), b.data(), b.size()) == 1 &&
            EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1;
  DISTSYNC_CHECK(ok && len == out.size());
  return out;
}

std::string to_hex(const Hash256& h) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(64, '0');
  for (std::size_t i = 0; i < h.size(); ++i) {
    s[2 * i] = kDigits[h[i] >> 4];
    s[2 * i + 1] = kDigits[h[i] & 15];
  }
  return s;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Hash256> hash_from_hex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  Hash256 h{};
  for (std::size_t i = 0; i < h.size(); ++i) {
    int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    h[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return h;
}

}  // namespace distsync
