#include "daemon/content/direct_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace distsync {

int open_direct(const std::string& path) {
  return ::open(path.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
}

int write_direct(int fd, char* buf, std::size_t len, off_t at) {
  const std::size_t padded = align_up(len, kDirectAlign);
  // Zeros, not whatever the buffer held before (another file's bytes), even though the
  // caller's ftruncate removes them: a crash before it leaves them in a temp.
  if (padded != len) std::memset(buf + len, 0, padded - len);
  std::size_t put = 0;
  while (put < padded) {
    ssize_t w = ::pwrite(fd, buf + put, padded - put, at + static_cast<off_t>(put));
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (w == 0) return EIO;
    put += static_cast<std::size_t>(w);
  }
  return 0;
}

}  // namespace distsync
