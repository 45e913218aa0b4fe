#include "tools/web/request_guard.h"

#include <sys/random.h>

#include <algorithm>
#include <cstdlib>

namespace distsync {

std::string random_token() {
  unsigned char bytes[32];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n <= 0) std::abort();  // the kernel's CSPRNG is not optional
    got += static_cast<std::size_t>(n);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string cookie_value(const std::string& header, const std::string& name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    std::size_t first = part.find_first_not_of(' ');
    if (first != std::string::npos) part.erase(0, first);
    if (part.size() > name.size() && part.compare(0, name.size(), name) == 0 &&
        part[name.size()] == '=') {
      return part.substr(name.size() + 1);
    }
    pos = end + 1;
  }
  return "";
}

namespace {

bool equal_constant_time(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

// "http://host:port/path..." -> "http://host:port"
std::string origin_of(const std::string& url) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) return url;
  std::size_t slash = url.find('/', scheme.size());
  return slash == std::string::npos ? url : url.substr(0, slash);
}

}  // namespace

RequestGuard::RequestGuard(std::vector<std::string> allowed_hosts)
    : allowed_hosts_(std::move(allowed_hosts)) {}

Status RequestGuard::check_host(const std::string& host) const {
  if (std::find(allowed_hosts_.begin(), allowed_hosts_.end(), host) != allowed_hosts_.end()) {
    return Status::ok();
  }
  return Status::invalid_argument("host '" + host.substr(0, 100) +
                                  "' is not one this console serves; allow it with --allow-host");
}

Session RequestGuard::session_for(const std::string& cookie_header) {
  const std::string id = cookie_value(cookie_header, kCookieName);
  MutexLock lock(&mu_);
  if (!id.empty()) {
    auto it = csrf_by_session_.find(id);
    if (it != csrf_by_session_.end()) return {id, it->second};
  }
  Session s{random_token(), random_token()};
  csrf_by_session_[s.id] = s.csrf;
  order_.push_back(s.id);
  while (order_.size() > kMaxSessions) {
    csrf_by_session_.erase(order_.front());
    order_.pop_front();
  }
  return s;
}

Status RequestGuard::check_post(const std::string& host, const std::string& origin,
                                const std::string& referer, const std::string& cookie_header,
                                const std::string& csrf_header) {
  if (Status s = check_host(host); !s.is_ok()) return s;
  const std::string expected = "http://" + host;
  const std::string seen = !origin.empty() ? origin : origin_of(referer);
  if (seen.empty()) {
    return Status::invalid_argument("cross-origin check failed: the request names no Origin");
  }
  if (seen != expected) {
    return Status::invalid_argument("cross-origin request refused: origin '" + seen.substr(0, 100) +
                                    "' is not " + expected);
  }
  const std::string id = cookie_value(cookie_header, kCookieName);
  if (id.empty()) return Status::invalid_argument("no session; reload the page");
  std::string csrf;
  {
    MutexLock lock(&mu_);
    auto it = csrf_by_session_.find(id);
    if (it == csrf_by_session_.end()) return Status::invalid_argument("unknown session; reload the page");
    csrf = it->second;
  }
  if (csrf_header.empty()) return Status::invalid_argument("missing CSRF token; reload the page");
  if (!equal_constant_time(csrf, csrf_header)) {
    return Status::invalid_argument("CSRF token does not match this session; reload the page");
  }
  return Status::ok();
}

}  // namespace distsync
