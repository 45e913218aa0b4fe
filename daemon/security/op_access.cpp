#include "daemon/security/op_access.h"

#include <array>
#include <algorithm>

namespace distsync {

bool op_is_read_only(std::string_view op) {
  static constexpr std::array<std::string_view, 21> kReads = {
      "status",          "server.list",      "schedule.list",   "schedule.preview",
      "history.query",   "history.job",      "events.head",     "events.read",
      "report",          "sync.jobs",        "sync.job",        "download.list",
      "download.status", "download.sources", "group.list",      "group.resolve",
      "validate.status", "agent.list",       "credential.list", "audit.export",
      "alerts.status"};
  return std::find(kReads.begin(), kReads.end(), op) != kReads.end();
}

}  // namespace distsync
