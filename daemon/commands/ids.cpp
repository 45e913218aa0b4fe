#include "daemon/commands/ids.h"

#include <cstdio>
#include <random>

#include "events/mutex.h"

namespace distsync {

namespace {
struct IdSource {
  Mutex mu;
  std::mt19937_64 rng GUARDED_BY(mu){std::random_device{}()};
};
}  // namespace

std::string new_id(const std::string& prefix) {
  static IdSource source;
  std::uint64_t r;
  {
    MutexLock lock(&source.mu);
    r = source.rng();
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%012llx", static_cast<unsigned long long>(r & 0xffffffffffffULL));
  return prefix + "-" + buf;
}

}  // namespace distsync
