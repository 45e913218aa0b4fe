#include "daemon/content/smb_path.h"

#include <algorithm>
#include <cctype>

#include "daemon/content/normal_path.h"

namespace distsync {
namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

Status refuse(std::string_view what, std::string_view raw, const std::string& cause) {
  return Status::invalid_argument(std::string(what) + " '" + shown(raw) + "' " + cause);
}

void percent_encode(std::string_view s, std::string* out) {
  static const char* hex = "0123456789ABCDEF";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out->push_back(ch);
    } else {
      out->push_back('%');
      out->push_back(hex[c >> 4]);
      out->push_back(hex[c & 15]);
    }
  }
}

}  // namespace

bool is_smb_path(std::string_view raw) {
  return starts_with_nocase(raw, "smb://") || raw.starts_with("\\\\");
}

Result<SmbPath> SmbPath::parse(std::string_view raw, std::string_view what) {
  std::string rest;
  if (starts_with_nocase(raw, "smb://")) {
    rest = std::string(raw.substr(6));
  } else if (raw.starts_with("\\\\")) {
    rest = std::string(raw.substr(2));
    std::replace(rest.begin(), rest.end(), '\\', '/');
  } else {
    return refuse(what, raw, "is not a share: write smb://host/share/dir or \\\\host\\share\\dir");
  }
  // Never echo what follows an '@': it may be a password.
  if (rest.find('@') != std::string::npos) {
    return Status::invalid_argument(
        std::string(what) +
        " must not carry credentials (user:password@); store them with `distsync credential "
        "add NAME --user U` and name them with --credential NAME (the value was not recorded)");
  }
  if (rest.find_first_of("?#") != std::string::npos) {
    return refuse(what, raw, "holds a query or fragment ('?' or '#'): give host, share and folder");
  }
  if (std::string defect = text_defect(rest); !defect.empty()) {
    return refuse(what, raw, "holds a " + defect);
  }
  SmbPath p;
  std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string tail = slash == std::string::npos ? "" : rest.substr(slash + 1);
  std::size_t colon = authority.find(':');
  std::string host = authority.substr(0, colon);
  if (host.empty() || !std::all_of(host.begin(), host.end(), host_char) || host.size() > 253) {
    return refuse(what, raw, "has no valid host name or address");
  }
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  p.host_ = host;
  if (colon != std::string::npos) {
    std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
        std::stoul(port) == 0 || std::stoul(port) > 65535) {
      return refuse(what, raw, "has a bad port: give 1-65535");
    }
    p.port_ = static_cast<std::uint16_t>(std::stoul(port));
  }
  while (!tail.empty() && tail.front() == '/') tail.erase(0, 1);
  std::size_t share_end = tail.find('/');
  p.share_ = tail.substr(0, share_end);
  if (p.share_.empty() || p.share_ == "." || p.share_ == ".." || p.share_.size() > 80) {
    return refuse(what, raw, "names no share: write smb://host/share/dir or \\\\host\\share\\dir");
  }
  std::string dir = share_end == std::string::npos ? "" : tail.substr(share_end + 1);
  while (!dir.empty() && dir.back() == '/') dir.pop_back();
  while (!dir.empty() && dir.front() == '/') dir.erase(0, 1);
  if (!dir.empty()) {
    Result<NormalPath> d = NormalPath::parse(dir, NormalPath::Kind::kRelative, what);
    if (!d.ok()) return refuse(what, raw, "has a bad folder: " + d.status().message());
    p.dir_ = d->str();
  }
  return p;
}

std::string SmbPath::str() const {
  std::string out = "smb://" + host_;
  if (port_ != 0) out += ":" + std::to_string(port_);
  out += "/" + share_;
  if (!dir_.empty()) out += "/" + dir_;
  return out;
}

std::string SmbPath::share_unc() const {
  std::string out = "\\\\" + host_;
  if (port_ != 0) out += ":" + std::to_string(port_);
  return out + "\\" + share_;
}

std::string SmbPath::unc() const {
  std::string out = share_unc();
  if (!dir_.empty()) {
    std::string d = dir_;
    std::replace(d.begin(), d.end(), '/', '\\');
    out += "\\" + d;
  }
  return out;
}

std::string SmbPath::url(std::string_view rel) const {
  std::string out = "smb://" + host_;
  if (port_ != 0) out += ":" + std::to_string(port_);
  out += "/";
  percent_encode(share_, &out);
  if (!dir_.empty()) {
    out += "/";
    percent_encode(dir_, &out);
  }
  if (!rel.empty()) {
    out += "/";
    percent_encode(rel, &out);
  }
  return out;
}

bool SmbPath::is_within(const SmbPath& other) const {
  if (host_ != other.host_ || port_ != other.port_ || share_ != other.share_) return false;
  if (other.dir_.empty() || dir_ == other.dir_) return true;
  return dir_.size() > other.dir_.size() && dir_.compare(0, other.dir_.size(), other.dir_) == 0 &&
         dir_[other.dir_.size()] == '/';
}

}  // namespace distsync
