#include "daemon/content/buffer_pool.h"

#include <cstdlib>
#include <map>
#include <utility>
#include <vector>

#include "events/mutex.h"
#include "events/status.h"

namespace distsync {

namespace {

class Pool {
 public:
  char* take(std::size_t bytes) {
    {
      MutexLock lock(&mu_);
      std::vector<char*>& idle = idle_[bytes];
      if (!idle.empty()) {
        char* p = idle.back();
        idle.pop_back();
        return p;
      }
    }
    return static_cast<char*>(std::aligned_alloc(kBufferAlign, bytes));
  }

  void give(char* p, std::size_t bytes) {
    {
      MutexLock lock(&mu_);
      std::vector<char*>& idle = idle_[bytes];
      if (idle.size() < kIdleBuffersPerSize) {
        idle.push_back(p);
        return;
      }
    }
    std::free(p);
  }

  std::size_t idle(std::size_t bytes) {
    MutexLock lock(&mu_);
    auto it = idle_.find(bytes);
    return it == idle_.end() ? 0 : it->second.size();
  }

 private:
  Mutex mu_;
  std::map<std::size_t, std::vector<char*>> idle_ GUARDED_BY(mu_);
};

// Never destroyed: a lease may end during static destruction (a thread_local, a detached
// thread), after a pool with a destructor would be gone.
Pool& pool() {
  static Pool* p = new Pool;
  return *p;
}

}  // namespace

BufferLease::BufferLease(BufferLease&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

BufferLease& BufferLease::operator=(BufferLease&& other) noexcept {
  if (this != &other) {
    give_back();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

BufferLease::~BufferLease() { give_back(); }

void BufferLease::give_back() {
  if (data_ != nullptr) pool().give(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

BufferLease lend_buffer(std::size_t bytes) {
  DISTSYNC_CHECK(bytes > 0 && bytes % kBufferAlign == 0);
  char* p = pool().take(bytes);
  return p == nullptr ? BufferLease() : BufferLease(p, bytes);
}

std::size_t idle_buffers(std::size_t bytes) { return pool().idle(bytes); }

}  // namespace distsync
