#include "daemon/fetch/sha256.h"

#include <openssl/evp.h>


namespace distsync {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
  Impl() : ctx(EVP_MD_CTX_new()) {
    DISTSYNC_CHECK(ctx != nullptr);
    DISTSYNC_CHECK(EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1);
  }
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, std::size_t len) {
  DISTSYNC_CHECK(EVP_DigestUpdate(impl_->ctx, data, len) == 1);
}

std::string Sha256::final_hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  DISTSYNC_CHECK(EVP_DigestFinal_ex(impl_->ctx, digest, &len) == 1);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  reset();
  return out;
}

void Sha256::reset() { DISTSYNC_CHECK(EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) == 1); }

}  // namespace distsync
