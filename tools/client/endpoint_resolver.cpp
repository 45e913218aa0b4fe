#include "tools/client/endpoint_resolver.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace distsync {
namespace {

// A lock we can take is a lock nobody holds: that console is not running.
bool lock_is_held(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close(fd);
  return held;
}

}  // namespace

std::vector<std::string> running_consoles(const std::string& run_dir) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(run_dir, ec)) {
    const auto& p = entry.path();
    if (p.extension() != ".control") continue;
    std::string id = p.stem().string();
    if (lock_is_held(run_dir + "/" + id + ".lock")) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<std::string> resolve_control_endpoint(const DaemonConfig& config,
                                             const std::optional<std::string>& endpoint_flag) {
  if (endpoint_flag && !endpoint_flag->empty()) return *endpoint_flag;
  if (!config.console_id_defaulted || !config.control_endpoint_defaulted) {
    return config.control_endpoint;
  }
  std::vector<std::string> ids = running_consoles(config.run_dir);
  if (ids.size() == 1) return "ipc://" + config.run_dir + "/" + ids[0] + ".control";
  if (ids.size() > 1) {
    std::string names;
    for (const auto& id : ids) names += (names.empty() ? "" : ", ") + id;
    return Status::invalid_argument("several consoles share " + config.data_dir + " (" + names +
                                    "); pick one with --console");
  }
  return config.control_endpoint;
}

std::string reachable_bus_endpoint(const std::string& control_endpoint,
                                   const std::string& reported_bus) {
  constexpr std::string_view kTcp = "tcp://";
  if (control_endpoint.rfind(kTcp, 0) != 0 || reported_bus.rfind(kTcp, 0) != 0) {
    return reported_bus;
  }
  auto host_port = [&](const std::string& ep) {
    std::string rest = ep.substr(kTcp.size());
    auto colon = rest.rfind(':');
    if (colon == std::string::npos) return std::pair<std::string, std::string>{rest, ""};
    return std::pair<std::string, std::string>{rest.substr(0, colon), rest.substr(colon)};
  };
  auto [bus_host, bus_port] = host_port(reported_bus);
  if (bus_host != "*" && bus_host != "0.0.0.0" && bus_host != "[::]") return reported_bus;
  return std::string(kTcp) + host_port(control_endpoint).first + bus_port;
}

}  // namespace distsync
