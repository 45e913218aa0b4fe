// SmbTarget: a distribution server that is an SMB share (smb://host[:port]/share/dir or
// \\host\share\dir), reached through libsmbclient (Samba) with the credential the server
// names, SMB2/3 only. No mount and no kernel CIFS client are needed.
//
// The Target contract (target.h) over one SmbContext:
//   preflight    connects (a refused credential, an unknown share or an unreachable host is
//                named here, before anything is copied), creates the folder, lists it,
//                writes and removes a probe, and reads the share's free space;
//   list         a recursive listing (size and mtime; no hash), temps left out;
//   write_batch  every file to a temp ".distsync-<random>.distsync-tmp" in a staging folder
//                of the batch, named the same way, inside the final name's folder (beside
//                the final name when that folder cannot be made), written, closed and stamped
//                with the source's mtime (and re-read and hashed when verifying); then every
//                temp is renamed over its final name and the staging folder removed. Why a
//                folder: on a case-insensitive share Samba looks up a name that does not
//                exist yet by reading the whole folder, so a temp beside the final name costs
//                a second such scan of a big folder per file (create the temp, then the
//                rename's destination); in the small staging folder only the rename's is.
//                libsmbclient has no flush call: a temp counts as written when the server
//                acknowledged every write and the close (SMB2 CLOSE answers after the server
//                has the data; whether it is on the server's disk then is the server's
//                write-through policy, as for any SMB client). Over an existing file the
//                rename is libsmbclient's (unlink then rename when the server refuses to
//                replace), so for an instant the old name may be missing, but a partial file
//                is never visible under a final name. Once a request meets a dead or
//                unanswering server (timeout, reset) the rest of the batch fails at once with
//                that line, its temps are left to remove_stale_temps, and the next call
//                connects afresh;
//   remove, remove_stale_temps, read_sha256 as for a local folder; remove_stale_temps also
//                removes staging folders an interrupted batch left.
//
// Threading: each SmbTarget owns one SMBCCTX, and its own mutex (mu_) is held around every
// use of it. libsmbclient's process-wide state is set up once (smb_library.h: per-thread
// talloc frames, an anchor context, the protocol range), so different targets, i.e. the
// copy workers' (every worker opens its own SmbTarget through target_factory.h), run their
// SMB requests at once: the max_parallel batches of a server are parallel SMB sessions.
// Creating and connecting a context holds the process-wide SmbSetupLock. Where the library
// cannot be made thread-ready (smb_library_threaded() false) every call also holds the
// process-wide SmbSerialLock, and SMB requests are serialized as before.
// The password is looked up in the CredentialStore at the first connect and never leaves
// this object.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "daemon/content/smb_path.h"
#include "daemon/targets/credential_store.h"
#include "daemon/targets/target.h"
#include "events/mutex.h"

namespace distsync {

class SmbContext;

struct SmbTargetOptions {
  std::chrono::milliseconds timeout{15000};  // the connect and each SMB request
};

class SmbTarget : public Target {
 public:
  // `root` as the operator typed it; `credential` a name in `credentials` (empty: the
  // daemon's own account). `credentials` may be null when `credential` is empty, and must
  // outlive the target. An unparsable root or an unknown credential fails every call with
  // the reason (the factory never throws or returns null).
  SmbTarget(std::string root, std::string credential, const CredentialStore* credentials,
            SmbTargetOptions options = {});
  ~SmbTarget() override;

  std::string describe() const override { return root_; }
  std::string locate(const std::string& path) const override { return path; }
  TargetLocator locator() const override { return {root_, credential_}; }
  // libsmbclient sets times in microseconds (struct timeval).
  std::int64_t mtime_granularity_ns() const override { return 1000; }
  PreflightReport preflight(const std::string& dir, std::uint64_t min_free_bytes) override;
  Result<Manifest> list(const std::string& dir, const std::atomic<bool>* cancel) override;
  std::vector<CopyResult> write_batch(const std::vector<TargetFile>& files,
                                      const BatchCopyOptions& options) override;
  PruneReport remove(const std::string& dir, const std::vector<std::string>& paths) override;
  Result<std::size_t> remove_stale_temps(const std::string& dir) override;
  Result<std::string> read_sha256(const std::string& path) override;

 private:
  // The context, created and connected on first use (and after a broken connection). A
  // failed connect sets *connect_errno (when given). REQUIRES: mu_ held.
  Result<SmbContext*> context(int* connect_errno = nullptr) REQUIRES(mu_);
  Status walk(SmbContext& c, const std::string& dir, const std::string& prefix,
              const std::atomic<bool>* cancel, Manifest* out) REQUIRES(mu_);
  Status make_dirs(SmbContext& c, const std::string& dir) REQUIRES(mu_);
  // The temp goes into `staging` (a folder of the batch, "" = beside the final name).
  CopyResult write_temp(SmbContext& c, const TargetFile& f, const BatchCopyOptions& o,
                        const std::string& staging, std::string* temp) REQUIRES(mu_);

  const std::string root_;
  const std::string credential_;
  const CredentialStore* const credentials_;
  const SmbTargetOptions options_;
  Mutex mu_;  // this target's context: one thread at a time
  std::unique_ptr<SmbContext> context_ GUARDED_BY(mu_);
};

}  // namespace distsync
