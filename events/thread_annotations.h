// Clang thread-safety annotations (-Wthread-safety), after leveldb's port/thread_annotations.h.
//
// Mark a mutex-guarded member GUARDED_BY(mu_) and a private function that expects the lock
// held REQUIRES(mu_); clang then proves at compile time that every access holds the lock.
// The lock must be a capability, so guard data with distsync::Mutex (events/mutex.h):
// libstdc++'s std::mutex carries no attribute. On GCC every macro expands to nothing.
#pragma once

#if defined(__clang__)
#define DISTSYNC_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define DISTSYNC_THREAD_ANNOTATION(x)
#endif

#ifndef CAPABILITY
#define CAPABILITY(x) DISTSYNC_THREAD_ANNOTATION(capability(x))
#endif
#ifndef SCOPED_CAPABILITY
#define SCOPED_CAPABILITY DISTSYNC_THREAD_ANNOTATION(scoped_lockable)
#endif
#ifndef GUARDED_BY
#define GUARDED_BY(x) DISTSYNC_THREAD_ANNOTATION(guarded_by(x))
#endif
#ifndef PT_GUARDED_BY
#define PT_GUARDED_BY(x) DISTSYNC_THREAD_ANNOTATION(pt_guarded_by(x))
#endif
#ifndef ACQUIRED_AFTER
#define ACQUIRED_AFTER(...) DISTSYNC_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#endif
#ifndef ACQUIRED_BEFORE
#define ACQUIRED_BEFORE(...) DISTSYNC_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#endif
#ifndef REQUIRES
#define REQUIRES(...) DISTSYNC_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#endif
#ifndef EXCLUDES
#define EXCLUDES(...) DISTSYNC_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#endif
#ifndef ACQUIRE
#define ACQUIRE(...) DISTSYNC_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#endif
#ifndef RELEASE
#define RELEASE(...) DISTSYNC_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#endif
#ifndef ASSERT_CAPABILITY
#define ASSERT_CAPABILITY(x) DISTSYNC_THREAD_ANNOTATION(assert_capability(x))
#endif
#ifndef RETURN_CAPABILITY
#define RETURN_CAPABILITY(x) DISTSYNC_THREAD_ANNOTATION(lock_returned(x))
#endif
#ifndef NO_THREAD_SAFETY_ANALYSIS
#define NO_THREAD_SAFETY_ANALYSIS DISTSYNC_THREAD_ANNOTATION(no_thread_safety_analysis)
#endif
