// ServiceNotifier: tells the service manager (systemd, Type=notify) how the daemon is doing.
//
// Messages go to $NOTIFY_SOCKET through sd_notify(3): READY=1 once the control endpoint
// answers requests, STOPPING=1 when a stop begins, WATCHDOG=1 on every heartbeat when the unit
// sets WatchdogSec (sd_watchdog_enabled(3): $WATCHDOG_USEC, for this pid). Outside systemd
// (no $NOTIFY_SOCKET) every call does nothing and the daemon behaves as it always did.
// libsystemd stays private to service_notifier.cpp: nothing else in the daemon depends on it.
// Thread-safe (each call is one datagram); the environment is read once, by the constructor.
#pragma once

#include <chrono>
#include <string_view>

namespace distsync {

class ServiceNotifier {
 public:
  ServiceNotifier();

  // True when a service manager listens ($NOTIFY_SOCKET is set).
  bool active() const { return active_; }
  // How often to call watchdog(): half the unit's WatchdogSec, or zero when no watchdog is set.
  std::chrono::milliseconds watchdog_interval() const { return watchdog_interval_; }

  // READY=1 with a STATUS= line for `systemctl status`.
  void ready(std::string_view status) const;
  // STOPPING=1.
  void stopping() const;
  // WATCHDOG=1. Does nothing unless the watchdog is enabled.
  void watchdog() const;

 private:
  bool active_ = false;
  std::chrono::milliseconds watchdog_interval_{0};
};

}  // namespace distsync
