#include "tools/web/op_policy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "daemon/security/op_access.h"

namespace distsync {
namespace {

// What the page may ask for. Whether an op changes state is the daemon's one answer
// (daemon/security/op_access.h), the same that refuses an auditor's writes.
constexpr std::array<std::string_view, 26> kForwarded = {
    "status",          "events.head",      "events.read",   "server.list",    "schedule.list",
    "schedule.preview", "sync.jobs",       "sync.job",      "report",         "download.list",
    "download.status", "download.sources", "history.query", "history.job",    "server.add",
    "server.edit",     "server.remove",    "schedule.add",  "schedule.edit",  "schedule.delete",
    "schedule.run",    "sync.start",       "sync.cancel",   "download.start", "download.cancel",
    "event.acknowledge"};

bool names_secret(const std::string& key) {
  std::string k;
  for (char c : key) k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view word : {"password", "secret", "token", "private", "credential"}) {
    if (k.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

OpKind op_kind(std::string_view op) {
  if (std::find(kForwarded.begin(), kForwarded.end(), op) == kForwarded.end()) {
    return OpKind::kUnknown;
  }
  return op_is_read_only(op) ? OpKind::kRead : OpKind::kWrite;
}

nlohmann::json redact_secrets(nlohmann::json value) {
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto& [key, v] : value.items()) {
      if (!names_secret(key)) out[key] = redact_secrets(std::move(v));
    }
    return out;
  }
  if (value.is_array()) {
    for (auto& v : value) v = redact_secrets(std::move(v));
  }
  return value;
}

}  // namespace distsync
