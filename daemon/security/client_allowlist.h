// The keys that may use a tcp:// control or bus endpoint, and the role each one has.
//
// A clients file is text, one client per line; a line that starts with `#` is a comment
// (only there: `#` is a Z85 character):
//   NAME ROLE PUBLIC_KEY
// NAME is [A-Za-z0-9._-]{1,64}, ROLE is `operator` (every op) or `auditor` (reads only, see
// daemon/security/op_access.h), PUBLIC_KEY is a CURVE public key in Z85 (40 characters, as
// `distsync-agent keygen` prints it). Only public keys are in it, but whoever may write it
// may grant themselves the operator role, so it is refused when others may write it.
// Pure values; thread-compatible.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "events/result.h"

namespace distsync {

// kRevoked is no role a file can give: it is a CURVE peer whose key left the clients file
// after its handshake (client_registry.h), refused every op.
enum class ClientRole { kOperator, kAuditor, kRevoked };

std::string_view role_name(ClientRole role);

struct AllowedClient {
  std::string name;
  ClientRole role = ClientRole::kAuditor;
};

class ClientAllowlist {
 public:
  // invalid_argument naming the file and line (or the fix) for anything malformed, a
  // duplicate name or key, a missing file, or a file that group or others may write.
  static Result<ClientAllowlist> load(const std::string& path);
  // The same grammar from text; `origin` names it in errors.
  static Result<ClientAllowlist> parse(const std::string& text, const std::string& origin);

  std::optional<AllowedClient> find_key(const std::string& z85_public_key) const;
  std::optional<ClientRole> role_of(const std::string& name) const;
  std::size_t size() const { return by_key_.size(); }

 private:
  std::map<std::string, AllowedClient> by_key_;
  std::map<std::string, ClientRole> by_name_;
};

}  // namespace distsync
