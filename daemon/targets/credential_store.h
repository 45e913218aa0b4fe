// CredentialStore: the secrets a server may name with `--credential NAME` (R7), kept outside
// the event log in one file readable only by the daemon's user (mode 0600; the file is
// created with that mode and a file found with any group or other bit is refused).
//
// The log, events, exports, replies and messages carry only the name: nothing here is ever
// logged, and a Credential's password leaves this class only through find(), for the
// target that authenticates with it.
//
// File format (JSON, rewritten whole on each change: temp file with mode 0600, fsync,
// rename, fsync of the folder, so a crash leaves the old or the new file):
//   {"format":"distsync-credentials","version":1,
//    "credentials":[{"name":N,"user":U,"domain":D,"password":P}, ...]}
//
// Every call reads the file afresh, so a credential added through one daemon is seen by the
// copy workers of another process at their next connect. Thread-safe (one mutex
// serializes the read-modify-write of the file within a process).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "events/mutex.h"
#include "events/result.h"

namespace distsync {

struct Credential {
  std::string name;  // the name grammar of servers: 1-128 of [A-Za-z0-9._-]
  std::string user;
  std::string domain;  // may be empty
  std::string password;
};

// What may be shown: never the password.
struct CredentialInfo {
  std::string name;
  std::string user;
  std::string domain;
};

class CredentialStore {
 public:
  // `path` need not exist yet; its folder must.
  explicit CredentialStore(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  // Adds or replaces (same name: a new password). invalid_argument for a bad name or an
  // empty user or password (messages never hold the password).
  Status add(const Credential& credential);
  // not_found when there is no such name.
  Status remove(const std::string& name);
  Result<std::vector<CredentialInfo>> list() const;
  // not_found when there is no such name.
  Result<Credential> find(const std::string& name) const;

 private:
  Result<std::vector<Credential>> load() const REQUIRES(mu_);
  Status save(const std::vector<Credential>& all) REQUIRES(mu_);

  const std::string path_;
  mutable Mutex mu_;
};

// The name grammar shared with server names.
bool valid_credential_name(const std::string& name);

}  // namespace distsync
