#include "daemon/commands/server_commands.h"

#include <algorithm>

namespace distsync {
namespace {

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

std::string normalized(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string join_ids(const std::vector<const ScheduleRecord*>& schedules) {
  std::string out;
  for (const ScheduleRecord* s : schedules) {
    if (!out.empty()) out += ", ";
    out += s->spec.id + " (" + s->owner + ")";
  }
  return out;
}

Status check_unique(const ProjectedState& state, const ServerSpec& spec, const std::string& self) {
  if (spec.name != self && state.servers.find(spec.name)) {
    return Status::conflict("a server named '" + spec.name + "' already exists");
  }
  for (const auto& [name, rec] : state.servers.servers.items()) {
    if (name != self && normalized(rec.spec.root_path) == normalized(spec.root_path)) {
      return Status::conflict("server '" + name + "' already uses path " + spec.root_path);
    }
  }
  return Status::ok();
}

}  // namespace

Status validate_server_spec(const ServerSpec& spec) {
  // A share written as //user:password@host/share would put a secret into the log.
  if (auto at = spec.root_path.find('@'); at != std::string::npos) {
    auto colon = spec.root_path.find(':');
    if (colon != std::string::npos && colon < at) {
      return Status::invalid_argument(
          "server path must not carry credentials (user:password@); mount the share and give "
          "its mount point, or name a credential with --credential");
    }
  }
  if (!valid_name(spec.name)) {
    return Status::invalid_argument("server name '" + spec.name +
                                    "' is invalid: use 1-128 letters, digits, '-', '_' or '.'");
  }
  if (spec.root_path.empty() || spec.root_path.front() != '/') {
    return Status::invalid_argument("server path '" + spec.root_path + "' is not absolute");
  }
  if (spec.max_parallel_copies == 0 || spec.max_parallel_copies > kMaxParallelCopies) {
    return Status::invalid_argument("max parallel copies must be 1-" +
                                    std::to_string(kMaxParallelCopies) + ", not " +
                                    std::to_string(spec.max_parallel_copies));
  }
  if (spec.bandwidth_limit_bps > kMaxBandwidthBps) {
    return Status::invalid_argument("bandwidth limit must be 0 (unlimited) to " +
                                    std::to_string(kMaxBandwidthBps) + " bytes/s (1024G), not " +
                                    std::to_string(spec.bandwidth_limit_bps));
  }
  for (const auto& [component, dir] : spec.component_dirs) {
    if (component != "patches" && component != "core") {
      return Status::invalid_argument("unknown component '" + component +
                                      "' in component folders: use patches or core");
    }
    if (dir.empty() || dir.front() == '/' || dir.find("..") != std::string::npos) {
      return Status::invalid_argument("component folder '" + dir +
                                      "' must be a relative path inside the server root");
    }
  }
  return Status::ok();
}

Status decide_server_add(const ProjectedState& state, const ServerSpec& spec,
                         std::vector<EventDraft>* out) {
  Status s = validate_server_spec(spec);
  if (s.is_ok()) s = check_unique(state, spec, "");
  if (!s.is_ok()) return s;
  out->push_back({"", ServerAdded{spec}});
  return Status::ok();
}

Status decide_server_edit(const ProjectedState& state, const std::string& name,
                          const ServerSpec& spec, std::vector<EventDraft>* out) {
  const ServerRecord* current = state.servers.find(name);
  if (!current) return Status::not_found("no server named '" + name + "'");
  Status s = validate_server_spec(spec);
  if (s.is_ok()) s = check_unique(state, spec, name);
  if (!s.is_ok()) return s;
  auto schedules = state.schedules.for_server(name);
  if (spec.download_source && !schedules.empty()) {
    return Status::conflict("server '" + name +
                            "' cannot become the download source while it has scheduled syncs: " +
                            join_ids(schedules) + " (R3)");
  }
  if (spec.name != name && !schedules.empty()) {
    return Status::conflict("server '" + name + "' cannot be renamed while schedules name it: " +
                            join_ids(schedules));
  }
  if (spec == current->spec) return Status::ok();  // nothing changed, nothing to record
  out->push_back({"", ServerEdited{name, spec}});
  return Status::ok();
}

Status decide_server_remove(const ProjectedState& state, const std::string& name, bool force,
                            std::vector<EventDraft>* out) {
  if (!state.servers.find(name)) return Status::not_found("no server named '" + name + "'");
  auto schedules = state.schedules.for_server(name);
  if (!schedules.empty() && !force) {
    return Status::conflict("server '" + name + "' still has schedules: " + join_ids(schedules) +
                            "; delete them first or use --force");
  }
  for (const ScheduleRecord* s : schedules) {
    out->push_back({s->spec.id, ScheduleDeleted{s->spec.id, s->owner}});
  }
  out->push_back({"", ServerRemoved{name, !schedules.empty()}});
  return Status::ok();
}

}  // namespace distsync
