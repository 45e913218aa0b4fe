// SmbTarget: a distribution server that is an SMB share (smb://host[:port]/share/dir or
// \\host\share\dir), reached through libsmbclient (Samba) with the credential the server
// names, SMB2/3 only. No mount and no kernel CIFS client are needed.
//
// The Target contract (target.h) over one SmbContext:
//   preflight    connects (a refused credential, an unknown share or an unreachable host is
//                named here, before anything is copied), creates the folder, lists it,
//                writes and removes a probe, and reads the share's free space;
//   list         a recursive listing (size and mtime; no hash), temps left out;
//   write_batch  every file to a temp ".distsync-<random>.distsync-tmp" beside its final
//                name, written, closed and stamped with the source's mtime (and re-read and
//                hashed when verifying); then every temp is renamed over its final name.
//                libsmbclient has no flush call: a temp counts as written when the server
//                acknowledged every write and the close. Over an existing file the rename
//                is libsmbclient's (unlink then rename when the server refuses to replace),
//                so for an instant the old name may be missing, but a partial file is never
//                visible under a final name;
//   remove, remove_stale_temps, read_sha256 as for a local folder.
//
// Threading: libsmbclient is not thread-safe (even separate contexts on separate threads
// crashed the daemon in testing), so each SmbTarget owns one SMBCCTX and every call into
// libsmbclient holds one process-wide mutex (construction and destruction of the context
// included): SMB calls are serialized across all targets.
// Every copy worker still opens its own SmbTarget (target_factory.h) and connection, so
// the workers' local reads and hashing overlap, but SMB round trips do not.
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
  // The context, connected on first use. REQUIRES: mu_ held.
  Result<SmbContext*> context() REQUIRES(mu_);
  Status walk(SmbContext& c, const std::string& dir, const std::string& prefix,
              const std::atomic<bool>* cancel, Manifest* out) REQUIRES(mu_);
  Status make_dirs(SmbContext& c, const std::string& dir) REQUIRES(mu_);
  CopyResult write_temp(SmbContext& c, const TargetFile& f, const BatchCopyOptions& o,
                        std::string* temp) REQUIRES(mu_);

  const std::string root_;
  const std::string credential_;
  const CredentialStore* const credentials_;
  const SmbTargetOptions options_;
  static Mutex mu_;  // process-wide: libsmbclient is not thread-safe
  std::unique_ptr<SmbContext> context_ GUARDED_BY(mu_);
};

}  // namespace distsync
