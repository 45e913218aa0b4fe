#include "daemon/targets/smb_library.h"

#include <dlfcn.h>
#include <pthread.h>

#include <cerrno>
#include <cstdlib>
#include <mutex>

#include <libsmbclient.h>

namespace distsync {
namespace {

// The hook table smb_thread_set_functions takes (struct smb_thread_functions of Samba 4.17's
// lib/util/smb_threads.h): the seven functions smbc_thread_impl() of libsmbclient.h
// documents, in that order. The library calls these; "location" is its __location__ string.
enum SmbThreadLockType { kSmbThreadLock = 1, kSmbThreadUnlock };
struct SmbThreadFunctions {
  int (*create_mutex)(const char* name, void** lock, const char* location);
  void (*destroy_mutex)(void* lock, const char* location);
  int (*lock_mutex)(void* lock, SmbThreadLockType type, const char* location);
  int (*create_tls)(const char* name, void** key, const char* location);
  void (*destroy_tls)(void** key, const char* location);
  int (*set_tls)(void* key, const void* value, const char* location);
  void* (*get_tls)(void* key, const char* location);
};

int create_mutex(const char*, void** lock, const char*) {
  auto* m = static_cast<pthread_mutex_t*>(std::malloc(sizeof(pthread_mutex_t)));
  if (m == nullptr) return ENOMEM;
  pthread_mutex_init(m, nullptr);
  *lock = m;
  return 0;
}
void destroy_mutex(void* lock, const char*) {
  pthread_mutex_destroy(static_cast<pthread_mutex_t*>(lock));
  std::free(lock);
}
int lock_mutex(void* lock, SmbThreadLockType type, const char*) {
  auto* m = static_cast<pthread_mutex_t*>(lock);
  return type == kSmbThreadUnlock ? pthread_mutex_unlock(m) : pthread_mutex_lock(m);
}
int create_tls(const char*, void** key, const char*) {
  auto* k = static_cast<pthread_key_t*>(std::malloc(sizeof(pthread_key_t)));
  if (k == nullptr) return ENOMEM;
  if (int rc = pthread_key_create(k, nullptr); rc != 0) {
    std::free(k);
    return rc;
  }
  *key = k;
  return 0;
}
void destroy_tls(void** key, const char*) {
  if (*key == nullptr) return;
  pthread_key_delete(*static_cast<pthread_key_t*>(*key));
  std::free(*key);
  *key = nullptr;
}
// The library reads a variable before its once-function created the key (talloc_stack.c
// looks for this thread's frame first): a key not made yet holds nothing.
int set_tls(void* key, const void* value, const char*) {
  if (key == nullptr) return EINVAL;
  return pthread_setspecific(*static_cast<pthread_key_t*>(key), value);
}
void* get_tls(void* key, const char*) {
  if (key == nullptr) return nullptr;
  return pthread_getspecific(*static_cast<pthread_key_t*>(key));
}

const SmbThreadFunctions kPthreadHooks = {create_mutex, destroy_mutex, lock_mutex, create_tls,
                                          destroy_tls,  set_tls,       get_tls};

// Before any other libsmbclient call: the frames of a call made before would sit on the
// process-wide stack that the hooks then no longer find.
bool install_thread_hooks() {
  if (auto posix = reinterpret_cast<void (*)()>(::dlsym(RTLD_DEFAULT, "smbc_thread_posix"))) {
    posix();
    return true;
  }
  using SetFunctions = int (*)(const SmbThreadFunctions*);
  auto set = reinterpret_cast<SetFunctions>(
      ::dlvsym(RTLD_DEFAULT, "smb_thread_set_functions", "SAMBA_UTIL_0.0.1"));
  return set != nullptr && set(&kPthreadHooks) == 0;
}

struct Library {
  bool threaded = false;
  bool smb2_only = false;  // the protocol range took
  SMBCCTX* anchor = nullptr;  // never freed: keeps the module initialized until exit
};

Library& library() {
  static Library lib;
  static std::once_flag once;
  std::call_once(once, [] {
    lib.threaded = install_thread_hooks();
    lib.anchor = smbc_new_context();
    if (lib.anchor != nullptr) {
      smbc_setDebug(lib.anchor, 0);
      lib.smb2_only = smbc_setOptionProtocols(lib.anchor, "SMB2_02", "SMB3");
      (void)smbc_init_context(lib.anchor);
    }
  });
  return lib;
}

}  // namespace

bool smb_library_threaded() { return library().threaded; }

bool smb_library_smb2_only() { return library().smb2_only; }

Mutex& smb_library_mutex() {
  static Mutex mu;
  return mu;
}

SmbSerialLock::SmbSerialLock() : held_(!smb_library_threaded()) {
  if (held_) smb_library_mutex().lock();
}
SmbSerialLock::~SmbSerialLock() {
  if (held_) smb_library_mutex().unlock();
}

SmbSetupLock::SmbSetupLock() : held_(smb_library_threaded()) {
  if (held_) smb_library_mutex().lock();
}
SmbSetupLock::~SmbSetupLock() {
  if (held_) smb_library_mutex().unlock();
}

}  // namespace distsync
