// ClientRegistry: the control clients file (client_allowlist.h) in force, re-read while the
// daemon runs, so a key can be revoked or added without a restart.
//
// A reload is taken when the daemon got SIGHUP (install_client_reload_signal) or when the
// file's mtime, size or inode changed (looked at by stat at most once a second). It happens
// inside current(), which the ZAP handler calls at every CURVE handshake and every 100 ms,
// and the control server at every request, so a removed key is refused from its next
// request on and a new key is admitted at its next handshake. A file that is malformed (or
// became writable by others) keeps the list in force and logs one warn line naming the file
// and the line; the same bad file is not read again until it changes or another SIGHUP.
//
// Thread-safe. Lists handed out are immutable; a reload swaps in a new one.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "daemon/security/client_allowlist.h"
#include "events/mutex.h"
#include "events/result.h"

namespace distsync {

class ClientRegistry {
 public:
  // The first load: its errors are ClientAllowlist::load's (the daemon does not start).
  static Result<std::shared_ptr<ClientRegistry>> open(const std::string& path);
  // A fixed list that is never re-read (tests, and callers without a file).
  explicit ClientRegistry(ClientAllowlist list);

  // The list in force, after taking a pending reload.
  std::shared_ptr<const ClientAllowlist> current();
  // Re-reads the file now. On error the old list stays, the error is returned and logged.
  Status reload();
  std::uint64_t reloads() const;  // successful reloads since open

 private:
  struct Stamp {
    std::int64_t mtime_ns = 0;
    std::int64_t size = -1;
    std::uint64_t inode = 0;
    bool operator==(const Stamp&) const = default;
  };
  ClientRegistry(std::string path, ClientAllowlist list, Stamp stamp, std::uint64_t generation);
  static Stamp stamp_of(const std::string& path);
  Status reload_locked() REQUIRES(mu_);

  const std::string path_;  // empty: a fixed list
  mutable Mutex mu_;
  std::shared_ptr<const ClientAllowlist> list_ GUARDED_BY(mu_);
  Stamp stamp_ GUARDED_BY(mu_);
  std::uint64_t generation_ GUARDED_BY(mu_) = 0;  // the SIGHUP count last taken
  std::chrono::steady_clock::time_point checked_ GUARDED_BY(mu_);
  std::uint64_t reloads_ GUARDED_BY(mu_) = 0;
};

// Makes SIGHUP ask every ClientRegistry for a reload at its next current() (instead of
// ending the process, SIGHUP's default). Idempotent; call once at start.
void install_client_reload_signal();

}  // namespace distsync
