// SmbPath: a distribution server that is an SMB share, as an operator writes it:
// `smb://host[:port]/share[/dir...]` or `\\host[:port]\share[\dir...]` (either slash in
// the UNC form). parse() normalizes both to one form, `smb://host[:port]/share/dir`, with
// the host lower-cased, and refuses with one line what would be unsafe or ambiguous: user
// info (`user:password@`, a secret in the log), a query or fragment, a missing host or
// share, a bad port, and in the folder part everything NormalPath refuses (`..`, control
// characters, non-UTF-8). Two SmbPaths are equal exactly when they name the same folder.
//
// The typed form is what the operator sees back (server list, messages); the normal form is
// what rules compare and what the SMB target opens. Pure value type; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "events/result.h"

namespace distsync {

// True when `raw` is written as a share (starts with "smb://" or two backslashes), so
// that it is parsed as an SmbPath and not as a local path.
bool is_smb_path(std::string_view raw);

class SmbPath {
 public:
  // `what` names the field in messages ("server path").
  static Result<SmbPath> parse(std::string_view raw, std::string_view what);

  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }  // 0: the default (445)
  const std::string& share() const { return share_; }
  const std::string& dir() const { return dir_; }  // '/'-separated, may be empty

  // smb://host[:port]/share[/dir]
  std::string str() const;
  // \\host[:port]\share[\dir], for messages in the form Windows admins read.
  std::string unc() const;
  // \\host\share (with the port when not the default): the share alone, for messages.
  std::string share_unc() const;
  // The libsmbclient URL of `rel` (relative to dir, '/'-separated, may be empty), with
  // every byte outside the unreserved set percent-encoded.
  std::string url(std::string_view rel) const;

  // This folder is `other` or beneath it, on the same share.
  bool is_within(const SmbPath& other) const;
  bool operator==(const SmbPath&) const = default;

 private:
  std::string host_;
  std::uint16_t port_ = 0;
  std::string share_;
  std::string dir_;
};

}  // namespace distsync
