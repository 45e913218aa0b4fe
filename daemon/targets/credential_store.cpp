#include "daemon/targets/credential_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "daemon/content/durable_file.h"
#include "events/json_text.h"

namespace distsync {
namespace {

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

Status sys_error(const std::string& what, const std::string& path, int err) {
  return Status::io_error("credential store " + path + ": " + what + ": " + std::strerror(err));
}

}  // namespace

bool valid_credential_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

Result<std::vector<Credential>> CredentialStore::load() const {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return std::vector<Credential>{};
    return sys_error("cannot open", path_, errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return sys_error("cannot stat", path_, err);
  }
  if ((st.st_mode & 077) != 0 || st.st_uid != ::geteuid()) {
    ::close(fd);
    return Status::invalid_argument(
        "credential store " + path_ +
        " is readable by others or owned by another user: it must be mode 0600 and owned by "
        "the daemon's user (chmod 600 it, or remove it and add the credentials again)");
  }
  std::string text;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return sys_error("cannot read", path_, err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > (4u << 20)) break;
  }
  ::close(fd);
  // Never quote the file's content in a message: it holds passwords.
  const Status corrupt = Status::corruption("credential store " + path_ +
                                            " is not a distsync credential file; restore it "
                                            "from a backup or remove it and add the credentials again");
  if (!check_json_depth(text, "credential store").is_ok()) return corrupt;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != "distsync-credentials" ||
      !j.contains("credentials") || !j["credentials"].is_array()) {
    return corrupt;
  }
  std::vector<Credential> out;
  for (const auto& c : j["credentials"]) {
    if (!c.is_object()) return corrupt;
    auto str = [&](const char* key) {
      auto it = c.find(key);
      return it != c.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    out.push_back({str("name"), str("user"), str("domain"), str("password")});
    if (!valid_credential_name(out.back().name)) return corrupt;
  }
  return out;
}

Status CredentialStore::save(const std::vector<Credential>& all) {
  nlohmann::json list = nlohmann::json::array();
  for (const Credential& c : all) {
    list.push_back({{"name", c.name}, {"user", c.user}, {"domain", c.domain},
                    {"password", c.password}});
  }
  nlohmann::json j = {{"format", "distsync-credentials"}, {"version", 1}, {"credentials", list}};
  std::string text = j.dump() + "\n";
  std::string temp = path_ + ".distsync-tmp";
  ::unlink(temp.c_str());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return sys_error("cannot create", temp, errno);
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return sys_error("cannot write", temp, err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0600) != 0 || ::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return sys_error("cannot sync", temp, err);
  }
  ::close(fd);
  if (::rename(temp.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    return sys_error("cannot replace", path_, err);
  }
  return fsync_dir(parent_of(path_));
}

Status CredentialStore::add(const Credential& credential) {
  if (!valid_credential_name(credential.name)) {
    return Status::invalid_argument(
        "credential name is invalid: use 1-128 letters, digits, '-', '_' or '.'");
  }
  if (credential.user.empty() || credential.user.size() > 256) {
    return Status::invalid_argument("credential '" + credential.name +
                                    "' needs a user name (--user), at most 256 bytes");
  }
  if (credential.password.empty() || credential.password.size() > 1024) {
    return Status::invalid_argument("credential '" + credential.name +
                                    "' needs a password of 1-1024 bytes");
  }
  MutexLock lock(&mu_);
  Result<std::vector<Credential>> all = load();
  if (!all.ok()) return all.status();
  auto it = std::find_if(all->begin(), all->end(),
                         [&](const Credential& c) { return c.name == credential.name; });
  if (it != all->end()) {
    *it = credential;
  } else {
    all->push_back(credential);
  }
  std::sort(all->begin(), all->end(),
            [](const Credential& a, const Credential& b) { return a.name < b.name; });
  return save(*all);
}

Status CredentialStore::remove(const std::string& name) {
  MutexLock lock(&mu_);
  Result<std::vector<Credential>> all = load();
  if (!all.ok()) return all.status();
  auto it =
      std::find_if(all->begin(), all->end(), [&](const Credential& c) { return c.name == name; });
  if (it == all->end()) return Status::not_found("no credential named '" + name + "'");
  all->erase(it);
  return save(*all);
}

Result<std::vector<CredentialInfo>> CredentialStore::list() const {
  MutexLock lock(&mu_);
  Result<std::vector<Credential>> all = load();
  if (!all.ok()) return all.status();
  std::vector<CredentialInfo> out;
  for (const Credential& c : *all) out.push_back({c.name, c.user, c.domain});
  return out;
}

Result<Credential> CredentialStore::find(const std::string& name) const {
  MutexLock lock(&mu_);
  Result<std::vector<Credential>> all = load();
  if (!all.ok()) return all.status();
  for (const Credential& c : *all) {
    if (c.name == name) return c;
  }
  return Status::not_found("no credential named '" + name + "'");
}

}  // namespace distsync
