// Mutex, MutexLock and CondVar: std::mutex and std::condition_variable with the capability
// attributes clang's -Wthread-safety needs (events/thread_annotations.h), after leveldb's
// port::Mutex/port::CondVar and util/mutexlock.h.
//
// Guard members with `Mutex mu_;` and `T x_ GUARDED_BY(mu_);`, lock with `MutexLock lock(&mu_);`.
// A CondVar waits with a held Mutex passed in (absl::CondVar's shape, so clang can check the
// REQUIRES); use one CondVar with one Mutex only. Wait in a loop on the condition: clang cannot
// see that a predicate lambda runs under the lock, so there is no predicate overload.
//
//   MutexLock lock(&mu_);
//   while (!ready_ && cv_.wait_until(&mu_, deadline)) {}
//
// All three are thread-safe in the way their std counterparts are; none is copyable.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "events/thread_annotations.h"

namespace distsync {

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  // Tells the analysis the lock is held where it cannot see it (a callback run under it).
  void assert_held() ASSERT_CAPABILITY(this) {}

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds a Mutex for its scope.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->lock(); }
  ~MutexLock() RELEASE() { mu_->unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

class CondVar {
 public:
  CondVar() = default;
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // Releases `mu` while waiting and holds it again on return; may wake spuriously.
  void wait(Mutex* mu) REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  // As wait(); false once `deadline` has passed.
  template <typename Clock, typename Duration>
  bool wait_until(Mutex* mu, const std::chrono::time_point<Clock, Duration>& deadline)
      REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    const bool woken = cv_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return woken || Clock::now() < deadline;
  }
  void notify_one() { cv_.notify_one(); }
  void notify_all() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace distsync
