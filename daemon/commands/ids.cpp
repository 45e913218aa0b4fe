#include "daemon/commands/ids.h"

#include <cstdio>
#include <mutex>
#include <random>

namespace distsync {

std::string new_id(const std::string& prefix) {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t r;
  {
    std::lock_guard<std::mutex> lock(mu);
    r = rng();
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%012llx", static_cast<unsigned long long>(r & 0xffffffffffffULL));
  return prefix + "-" + buf;
}

}  // namespace distsync
