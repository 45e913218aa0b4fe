// SmbContext: one libsmbclient context (SMBCCTX) and the few calls the SMB target makes
// through it, with errno kept and translated into the one-line messages operators read.
//
// Threading: a context and everything opened through it must be used by one thread at a
// time; SmbContext does no locking of its own, its owner (SmbTarget) holds its own mutex
// around every use. Different contexts may be used by different threads at once when
// smb_library_threaded() (smb_library.h: libsmbclient's per-thread state is set up once per
// process); otherwise the owner also holds SmbSerialLock around every call. create() and
// connect() take SmbSetupLock themselves (the one-time global set-up inside libsmbclient is
// not locked by it). The destructor frees the context without the library lock: freeing
// touches only the context, and the anchor context of smb_library.h keeps the last free from
// tearing the module down.
//
// Connections are made by connect() (and again by libsmbclient itself after a broken one);
// authentication uses the credential given at construction (never anonymous when one is
// given), and only SMB2 and SMB3 are negotiated. Signing and encryption follow what the
// server requires (libsmbclient's default). libsmbclient.h stays inside the .cpp files.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "daemon/content/smb_path.h"
#include "events/result.h"

namespace distsync {

// True for the errnos that mean the server could not be reached or the session broke.
bool smb_unreachable_errno(int err);

struct SmbAuth {
  std::string credential;  // the name, for messages; empty = the daemon's own account
  std::string user;
  std::string domain;
  std::string password;
};

struct SmbDirEntry {
  std::string name;
  bool is_dir = false;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
};

class SmbContext {
 public:
  // An open remote file; closed (without checking) by the destructor unless close() ran.
  class File;

  // `timeout` bounds the connect and each request.
  static Result<std::unique_ptr<SmbContext>> create(const SmbPath& root, SmbAuth auth,
                                                    std::chrono::milliseconds timeout);
  ~SmbContext();

  const SmbPath& root() const { return root_; }

  // Each returns -1 with errno set on failure, like the POSIX call it mirrors. `rel` is
  // relative to the root's folder.
  int stat(const std::string& rel, struct stat* st);
  // The share itself (session setup and tree connect): where credentials and share names fail.
  int stat_share(struct stat* st);
  // stat_share under SmbSetupLock: the first call of a new context, which connects.
  int connect();
  // Creates the root's folder and its missing parents on the share.
  int make_root();
  int mkdir(const std::string& rel);
  int rmdir(const std::string& rel);  // an empty folder
  int unlink(const std::string& rel);
  int rename(const std::string& from_rel, const std::string& to_rel);
  int utimes(const std::string& rel, std::int64_t mtime_ns);
  int free_bytes(const std::string& rel, std::uint64_t* bytes);
  int list_dir(const std::string& rel, std::vector<SmbDirEntry>* out);
  std::unique_ptr<File> open(const std::string& rel, int flags);  // null, errno set

  // True once a call failed with an errno that means the server is gone or does not answer
  // (smb_unreachable_errno): the owner should stop using this context and make a new one.
  bool broken() const { return broken_; }

  // The one line that names the server, the share and the fix for `err` met while doing
  // `what` on `rel` ("" = the root folder).
  std::string explain(int err, const std::string& what, const std::string& rel) const;

 private:
  SmbContext(SmbPath root, SmbAuth auth);
  // rc, after noting a failure (rc < 0) whose errno means a broken connection.
  template <typename T>
  T note(T rc) {
    if (rc < 0 && smb_unreachable_errno(errno)) broken_ = true;
    return rc;
  }
  struct Impl;
  bool broken_ = false;
  SmbPath root_;
  SmbAuth auth_;
  std::unique_ptr<Impl> impl_;
};

class SmbContext::File {
 public:
  ~File();
  ssize_t read(void* buf, std::size_t n);
  ssize_t write(const void* buf, std::size_t n);
  int close();  // -1 with errno set when the server reported an error

 private:
  friend class SmbContext;
  File(SmbContext* owner, void* handle) : owner_(owner), handle_(handle) {}
  SmbContext* owner_;
  void* handle_;
};

}  // namespace distsync
