// SyncClock: the time source of the sync engine, injected so tests decide when retries fall due.
//
// now_us() is UTC microseconds. A clock whose time can jump (ManualClock) tells its listeners,
// so a thread waiting for a deadline re-checks at once instead of sleeping through the jump.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>

#include "events/mutex.h"

namespace distsync {

class SyncClock {
 public:
  virtual ~SyncClock() = default;
  virtual std::int64_t now_us() = 0;
  // fn runs (on the advancing thread) each time the clock jumps. Returns a token for
  // remove_listener. A real clock never jumps and never calls fn.
  virtual int add_listener(std::function<void()> fn) = 0;
  virtual void remove_listener(int token) = 0;
};

// The system's real-time clock.
class SystemClock : public SyncClock {
 public:
  std::int64_t now_us() override;
  int add_listener(std::function<void()>) override { return 0; }
  void remove_listener(int) override {}
};

// A clock that moves only when told to (tests).
class ManualClock : public SyncClock {
 public:
  explicit ManualClock(std::int64_t start_us) : now_(start_us) {}
  std::int64_t now_us() override;
  int add_listener(std::function<void()> fn) override;
  void remove_listener(int token) override;
  void advance(std::int64_t delta_us);

 private:
  Mutex mu_;
  std::int64_t now_ GUARDED_BY(mu_);
  int next_token_ GUARDED_BY(mu_) = 1;
  std::map<int, std::function<void()>> listeners_ GUARDED_BY(mu_);
};

}  // namespace distsync
