#include "daemon/content/sha256_file.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

namespace distsync {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

MdCtx new_sha256_ctx() {
  MdCtx ctx(EVP_MD_CTX_new());
  DISTSYNC_CHECK(ctx != nullptr);
  DISTSYNC_CHECK(EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1);
  return ctx;
}

std::string finish_hex(EVP_MD_CTX* ctx) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  DISTSYNC_CHECK(EVP_DigestFinal_ex(ctx, digest, &len) == 1);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

}  // namespace

Result<std::string> sha256_fd(int fd, const std::string& what, const std::atomic<bool>* cancel) {
  MdCtx ctx = new_sha256_ctx();
  // One buffer per thread, allocated (and zeroed) once: a manifest hashes thousands of small
  // files, and zeroing 1 MiB for each of them cost more than hashing them.
  thread_local std::vector<unsigned char> block(kHashBlockBytes);
  off_t offset = 0;
  for (;;) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
      return Status::unavailable("hashing " + what + " cancelled");
    }
    ssize_t n = ::pread(fd, block.data(), block.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::io_error("cannot read " + what + " to hash it: " + std::strerror(errno));
    }
    if (n == 0) break;
    DISTSYNC_CHECK(EVP_DigestUpdate(ctx.get(), block.data(), static_cast<size_t>(n)) == 1);
    offset += n;
  }
  return finish_hex(ctx.get());
}

Result<std::string> sha256_file(const std::string& path, const std::atomic<bool>* cancel) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string msg = "cannot open " + path + " to hash it: " + std::strerror(err);
    return err == ENOENT ? Status::not_found(msg) : Status::io_error(msg);
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  Result<std::string> out = sha256_fd(fd, path, cancel);
  ::close(fd);
  return out;
}

std::string sha256_hex(std::string_view data) {
  MdCtx ctx = new_sha256_ctx();
  DISTSYNC_CHECK(EVP_DigestUpdate(ctx.get(), data.data(), data.size()) == 1);
  return finish_hex(ctx.get());
}

Sha256Stream::Sha256Stream() : ctx_(new_sha256_ctx().release()) {}

Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sha256Stream::update(const void* data, std::size_t len) {
  DISTSYNC_CHECK(EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data, len) == 1);
}

std::string Sha256Stream::finish_hex() {
  return distsync::finish_hex(static_cast<EVP_MD_CTX*>(ctx_));
}

}  // namespace distsync
