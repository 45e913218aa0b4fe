#include "daemon/security/client_allowlist.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

namespace distsync {

std::string_view role_name(ClientRole role) {
  switch (role) {
    case ClientRole::kOperator:
      return "operator";
    case ClientRole::kAuditor:
      return "auditor";
    case ClientRole::kRevoked:
      break;
  }
  return "revoked";
}

Result<ClientAllowlist> ClientAllowlist::load(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::invalid_argument("control clients file " + path + ": " +
                                    std::strerror(errno));
  }
  if ((st.st_mode & 022) != 0) {
    return Status::invalid_argument("control clients file " + path +
                                    " may be written by others; chmod go-w it");
  }
  std::ifstream in(path);
  if (!in) return Status::invalid_argument("control clients file " + path + " cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), "control clients file " + path);
}

Result<ClientAllowlist> ClientAllowlist::parse(const std::string& text,
                                               const std::string& origin) {
  static const std::regex kName("[A-Za-z0-9._-]{1,64}");
  static const std::regex kZ85("[0-9a-zA-Z.\\-:+=^!/*?&<>()\\[\\]{}@%$#]{40}");
  ClientAllowlist list;
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream fields(line);
    std::string name, role, key, extra;
    // '#' is a Z85 character, so only a line that starts with it is a comment.
    if (!(fields >> name) || name[0] == '#') continue;
    const std::string where = origin + " line " + std::to_string(number);
    if (!(fields >> role >> key) || (fields >> extra)) {
      return Status::invalid_argument(where + ": expected NAME ROLE PUBLIC_KEY");
    }
    if (!std::regex_match(name, kName)) {
      return Status::invalid_argument(where + ": client name '" + name +
                                      "' must be 1-64 of A-Z a-z 0-9 . _ -");
    }
    ClientRole r;
    if (role == "operator") {
      r = ClientRole::kOperator;
    } else if (role == "auditor") {
      r = ClientRole::kAuditor;
    } else {
      return Status::invalid_argument(where + ": role '" + role +
                                      "' is neither operator nor auditor");
    }
    if (!std::regex_match(key, kZ85)) {
      return Status::invalid_argument(where + ": '" + name +
                                      "' has no CURVE public key (40 Z85 characters)");
    }
    if (list.by_name_.count(name) || list.by_key_.count(key)) {
      return Status::invalid_argument(where + ": client '" + name +
                                      "' or its key is listed twice");
    }
    list.by_name_[name] = r;
    list.by_key_[key] = AllowedClient{name, r};
  }
  return list;
}

std::optional<AllowedClient> ClientAllowlist::find_key(const std::string& z85) const {
  auto it = by_key_.find(z85);
  if (it == by_key_.end()) return std::nullopt;
  return it->second;
}

std::optional<ClientRole> ClientAllowlist::role_of(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

}  // namespace distsync
