// RequestGuard: the web console's request checks, kept apart from HTTP so they read (and are
// tested) as plain rules.
//
//   * Host: every request must name one of the allowed hosts ("127.0.0.1:8730",
//     "localhost:8730", ...). This refuses DNS-rebinding pages, whose requests carry their
//     own host name.
//   * Session: GET /api/session hands out a random session id (an HttpOnly, SameSite=Strict
//     cookie) and its CSRF token (sent to the page, never in a cookie).
//   * Every POST (state-changing or not) needs the session cookie, the header
//     X-CSRF-Token equal to that session's token, and an Origin (or, without one, a
//     Referer) of exactly "http://<allowed host>".
//
// Tokens are 32 random bytes from getrandom(2), hex; compared in constant time. At most
// kMaxSessions sessions are kept (the oldest is dropped). Thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "events/mutex.h"
#include "events/result.h"
#include "events/thread_annotations.h"

namespace distsync {

struct Session {
  std::string id;    // the cookie value
  std::string csrf;  // the token the page must echo in X-CSRF-Token
};

class RequestGuard {
 public:
  static constexpr std::size_t kMaxSessions = 4096;

  // `allowed_hosts`: Host header values accepted, e.g. {"127.0.0.1:8730", "localhost:8730"}.
  explicit RequestGuard(std::vector<std::string> allowed_hosts);

  // InvalidArgument naming the host unless `host` is allowed.
  Status check_host(const std::string& host) const;

  // The session of the cookie header, or a new one when it names none we know.
  Session session_for(const std::string& cookie_header);

  // The checks of a POST: host, same origin, session cookie and CSRF token. The message
  // names what is missing or wrong.
  Status check_post(const std::string& host, const std::string& origin, const std::string& referer,
                    const std::string& cookie_header, const std::string& csrf_header);

  static constexpr const char* kCookieName = "distsync_web_session";

 private:
  std::vector<std::string> allowed_hosts_;
  Mutex mu_;
  std::map<std::string, std::string> csrf_by_session_ GUARDED_BY(mu_);
  std::deque<std::string> order_ GUARDED_BY(mu_);
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string cookie_value(const std::string& cookie_header, const std::string& name);

// 32 random bytes, hex.
std::string random_token();

}  // namespace distsync
