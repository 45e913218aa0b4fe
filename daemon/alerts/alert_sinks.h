// The two ways an alert leaves the daemon, one attempt each: a webhook POST (libcurl) and a
// command hook (a child process that reads the alert on stdin). Both give up after
// `timeout_ms`, and both return early when `stop` is raised, so the alerter's thread can be
// joined promptly. Neither throws; neither logs (the alerter does, without secrets).
// Thread-safe: each call uses its own handle or child. libcurl stays behind the .cpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace distsync {

struct AttemptOutcome {
  bool ok = false;
  // "HTTP 200", "HTTP 503", "timed out after 2000 ms", "Couldn't connect to server",
  // "exit 0", "exit 3", "killed by signal 9", "stopped": never a header or a body.
  std::string status;
};

// POSTs `body` (application/json) to `url` with the extra `headers`. ok for a 2xx answer.
// Redirects are not followed (a receiver that moved should be reconfigured).
AttemptOutcome post_webhook(const std::string& url, const std::vector<std::string>& headers,
                            const std::string& body, std::int64_t timeout_ms,
                            const std::atomic<bool>* stop);

// Runs argv[0] (an absolute path) with `argv`, `body` on its stdin, stdout and stderr to
// /dev/null, in its own process group. ok when it exits 0 within the timeout; otherwise
// the group is killed (SIGKILL) and reaped.
AttemptOutcome run_command_hook(const std::vector<std::string>& argv, const std::string& body,
                                std::int64_t timeout_ms, const std::atomic<bool>* stop);

}  // namespace distsync
