// SmbLibrary: the once-per-process set-up of libsmbclient, and the one lock for the state in
// it that is process-wide rather than per context (SMBCCTX).
//
// libsmbclient keeps a context's connections, files and settings in the context, but every
// call also pushes a talloc stack frame, and those frames live on ONE process-wide stack
// unless thread hooks are installed (talloc_stack.c in libsamba-util). That shared stack is
// what crashed the daemon when two threads used two contexts at once. smb_library_init()
// installs pthread hooks, so each thread gets its own frames, the way smbc_thread_posix() of
// libsmbclient.h does. Debian's libsmbclient (4.17) declares smbc_thread_posix but does not
// export it, so the hooks are handed to smb_thread_set_functions, the exported
// (SAMBA_UTIL_0.0.1) function of libsamba-util that smbc_thread_posix calls, as a table of
// the seven functions smbc_thread_impl() of libsmbclient.h documents, in that order. Both are
// looked up at run time (dlsym); when neither is there the library stays single-threaded and
// smb_library_threaded() is false.
//
// It also creates one anchor context that is never freed, so that freeing the last context
// of the process never runs SMBC_module_terminate (which frees the global configuration
// another thread may be reading), and sets the protocol range SMB2_02..SMB3 once
// (smbc_setOptionProtocols writes the global configuration, not the context it is given).
//
// Thread-safe. Which lock a caller holds, and when, is the two classes at the end.
#pragma once

#include "events/mutex.h"

namespace distsync {

// Sets the library up on the first call; later calls return the first answer at once.
// True: libsmbclient has per-thread state and separate contexts may be used by separate
// threads at once. False: every libsmbclient call must hold smb_library_mutex().
bool smb_library_threaded();

// True when the SMB2_02..SMB3 range was set (false: this libsmbclient cannot restrict itself).
bool smb_library_smb2_only();

// Guards libsmbclient's process-wide state: held around creating, initializing, connecting
// and (when not threaded) every call. Taken after a target's own lock, never before.
Mutex& smb_library_mutex();

// Holds smb_library_mutex() for its scope when the library is NOT threaded: around every
// use of a context (taken after the owner's own lock).
class SmbSerialLock {
 public:
  SmbSerialLock() NO_THREAD_SAFETY_ANALYSIS;
  ~SmbSerialLock() NO_THREAD_SAFETY_ANALYSIS;
  SmbSerialLock(const SmbSerialLock&) = delete;
  SmbSerialLock& operator=(const SmbSerialLock&) = delete;

 private:
  const bool held_;
};

// Holds smb_library_mutex() for its scope when the library IS threaded: around creating a
// context and its first connect, whose one-time global initializations (configuration,
// authentication backends, character-set handles) libsmbclient does not lock. When it is not
// threaded the caller's SmbSerialLock already holds the mutex, so this takes nothing.
class SmbSetupLock {
 public:
  SmbSetupLock() NO_THREAD_SAFETY_ANALYSIS;
  ~SmbSetupLock() NO_THREAD_SAFETY_ANALYSIS;
  SmbSetupLock(const SmbSetupLock&) = delete;
  SmbSetupLock& operator=(const SmbSetupLock&) = delete;

 private:
  const bool held_;
};

}  // namespace distsync
