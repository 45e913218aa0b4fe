#include "daemon/service_notifier.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace distsync {
namespace {

void send(const std::string& state) {
  int rc = sd_notify(0, state.c_str());
  // A failed notification must not stop the daemon; the manager's timeout reports it.
  if (rc < 0) spdlog::warn("service notification failed: {}", std::strerror(-rc));
}

}  // namespace

ServiceNotifier::ServiceNotifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  active_ = socket != nullptr && socket[0] != '\0';
  std::uint64_t usec = 0;
  if (active_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    watchdog_interval_ = std::chrono::milliseconds(std::max<std::uint64_t>(usec / 2000, 1));
  }
}

void ServiceNotifier::ready(std::string_view status) const {
  if (!active_) return;
  std::string clean(status);
  for (char& c : clean) {
    if (c == '\n') c = ' ';
  }
  send("READY=1\nSTATUS=" + clean);
}

void ServiceNotifier::stopping() const {
  if (active_) send("STOPPING=1");
}

void ServiceNotifier::watchdog() const {
  if (active_ && watchdog_interval_.count() > 0) send("WATCHDOG=1");
}

}  // namespace distsync
