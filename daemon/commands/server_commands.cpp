#include "daemon/commands/server_commands.h"

#include <algorithm>

#include "daemon/commands/agent_commands.h"
#include "daemon/content/normal_path.h"
#include "daemon/content/smb_path.h"
#include "projections/calendar/bandwidth_plan.h"

namespace distsync {
namespace {

// Free text an operator types (descriptions) is shown in lists and kept in the log forever.
constexpr std::size_t kMaxDescriptionBytes = 1024;

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

// An old record's path as the rule compares it. Records from before paths were normalized
// may not parse; they are compared as written.
std::string comparable(const std::string& path) {
  if (is_smb_path(path)) {
    Result<SmbPath> smb = SmbPath::parse(path, "server path");
    return smb.ok() ? smb->str() : path;
  }
  Result<NormalPath> p = NormalPath::parse(path, NormalPath::Kind::kAbsolute, "server path");
  return p.ok() ? p->str() : path;
}

bool within(const std::string& a, const std::string& b) {
  if (is_smb_path(a) || is_smb_path(b)) {
    Result<SmbPath> sa = SmbPath::parse(a, ""), sb = SmbPath::parse(b, "");
    return sa.ok() && sb.ok() && sa->is_within(*sb);
  }
  Result<NormalPath> pa = NormalPath::parse(a, NormalPath::Kind::kAbsolute, "");
  Result<NormalPath> pb = NormalPath::parse(b, NormalPath::Kind::kAbsolute, "");
  return pa.ok() && pb.ok() && pa->is_within(*pb);
}

std::string join_ids(const std::vector<const ScheduleRecord*>& schedules) {
  std::string out;
  for (const ScheduleRecord* s : schedules) {
    if (!out.empty()) out += ", ";
    out += s->spec.id + " (" + s->owner + ")";
  }
  return out;
}

bool same_host(const ServerSpec& a, const ServerSpec& b) {
  if (a.agent.empty() || b.agent.empty()) return a.agent.empty() && b.agent.empty();
  for (const std::string& agent : a.pool()) {
    if (b.on_agent(agent)) return true;
  }
  return false;
}

// One server per folder, and no server inside another's folder: two servers sharing files
// would let two consoles write the same core folder under different names (R5), and a
// clean-up of one would delete the other's content. REQUIRES: spec is normalized.
Status check_unique(const ProjectedState& state, const ServerSpec& spec, const std::string& self) {
  if (spec.name != self && state.servers.find(spec.name)) {
    return Status::conflict("a server named '" + spec.name + "' already exists");
  }
  if (state.groups.find(spec.name)) {
    return Status::conflict("a group named '" + spec.name + "' already exists; pick another name");
  }
  for (const std::string& agent : spec.pool()) {
    if (!state.agents.find(agent)) {
      return Status::not_found("no agent named '" + shown(agent) +
                               "'; allow it first with 'distsync agent allow NAME PUBLIC_KEY'");
    }
  }
  for (const auto& [name, rec] : state.servers.servers.items()) {
    if (name == self) continue;
    // Folders of different hosts never overlap: each agent is a host of its own, and the
    // agents of a pool reach one folder, so two servers compare paths when they share an
    // agent (or are both folders of this host).
    if (!same_host(rec.spec, spec)) continue;
    std::string other = comparable(rec.spec.root_path);
    if (other == comparable(spec.root_path)) {
      return Status::conflict("server '" + name + "' already uses path " + spec.root_path);
    }
    if (within(spec.root_path, other) || within(other, spec.root_path)) {
      return Status::conflict("server path " + spec.root_path + " overlaps server '" + name +
                              "' at " + shown(other) +
                              ": one server per folder, and none inside another's");
    }
  }
  return Status::ok();
}

// The spec as it is recorded: validated, with root_path and component folders normalized.
Result<ServerSpec> normalized(const ServerSpec& spec, const std::string& old_credential) {
  if (Status s = validate_server_spec(spec); !s.is_ok()) return s;
  // A credential is named, never given: a value outside the name grammar may be a password
  // typed in the wrong place, so it is refused without being echoed. Whether the name exists
  // in the credential store is the handler's check (the store is outside the log). A record
  // from before the grammar keeps its name through edits.
  if (!spec.credential_ref.empty() && spec.credential_ref != old_credential &&
      !valid_name(spec.credential_ref)) {
    return Status::invalid_argument(
        "--credential must name a stored credential (1-128 letters, digits, '-', '_' or '.'; "
        "the value was not recorded): store one with `distsync credential add NAME --user U`");
  }
  ServerSpec out = spec;
  // A share is recorded as typed (the admin sees it back so); rules compare its normal form.
  if (!is_smb_path(spec.root_path)) {
    out.root_path =
        NormalPath::parse(spec.root_path, NormalPath::Kind::kAbsolute, "server path")->str();
  }
  for (auto& [component, dir] : out.component_dirs) {
    dir = NormalPath::parse(dir, NormalPath::Kind::kRelative, "component folder")->str();
  }
  return out;
}

}  // namespace

Status validate_server_spec(const ServerSpec& spec) {
  if (is_smb_path(spec.root_path)) {
    Result<SmbPath> smb = SmbPath::parse(spec.root_path, "server path");
    if (!smb.ok()) return smb.status();
  }
  // A share written as //user:password@host/share would put a secret into the log.
  if (auto at = spec.root_path.find('@'); at != std::string::npos) {
    auto colon = spec.root_path.find(':');
    if (colon != std::string::npos && colon < at) {
      return Status::invalid_argument(
          "server path must not carry credentials (user:password@); mount the share and give "
          "its mount point");
    }
  }
  if (!valid_name(spec.name)) {
    return Status::invalid_argument("server name '" + shown(spec.name) +
                                    "' is invalid: use 1-128 letters, digits, '-', '_' or '.'");
  }
  if (!is_smb_path(spec.root_path)) {
    Result<NormalPath> root =
        NormalPath::parse(spec.root_path, NormalPath::Kind::kAbsolute, "server path");
    if (!root.ok()) return root.status();
  }
  if (spec.description.size() > kMaxDescriptionBytes) {
    return Status::invalid_argument("description is " + std::to_string(spec.description.size()) +
                                    " bytes long; the limit is " +
                                    std::to_string(kMaxDescriptionBytes));
  }
  if (std::string defect = text_defect(spec.description); !defect.empty()) {
    return Status::invalid_argument("description holds a " + defect +
                                    "; give one line of plain text");
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
      return Status::invalid_argument("unknown component '" + shown(component) +
                                      "' in component folders: use patches or core");
    }
    Result<NormalPath> sub =
        NormalPath::parse(dir, NormalPath::Kind::kRelative, "component folder");
    if (!sub.ok()) {
      return Status::invalid_argument(sub.status().message() +
                                      " (it must be a relative path inside the server root)");
    }
  }
  if (spec.agent.empty() && !spec.more_agents.empty()) {
    return Status::invalid_argument("more_agents needs agent: the pool's first agent");
  }
  if (spec.more_agents.size() + 1 > kMaxPoolAgents) {
    return Status::invalid_argument("a server may be on at most " +
                                    std::to_string(kMaxPoolAgents) + " agents");
  }
  std::vector<std::string> pool = spec.pool();
  for (std::size_t i = 0; i < pool.size(); ++i) {
    if (Status s = validate_agent_name(pool[i]); !s.is_ok()) return s;
    if (std::find(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(i), pool[i]) !=
        pool.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Status::invalid_argument("agent '" + pool[i] + "' is named twice; name each agent "
                                      "of the pool once");
    }
  }
  if (spec.bandwidth_plan.size() > 1024) {
    return Status::invalid_argument("bandwidth plan is longer than 1024 bytes");
  }
  if (!spec.bandwidth_plan.empty() || !spec.plan_zone.empty()) {
    if (Status p = validate_bandwidth_plan(spec.bandwidth_plan, spec.plan_zone); !p.is_ok()) return p;
  }
  return Status::ok();
}

Status decide_server_add(const ProjectedState& state, const ServerSpec& raw,
                         std::vector<EventDraft>* out) {
  Result<ServerSpec> spec = normalized(raw, "");
  if (!spec.ok()) return spec.status();
  if (Status s = check_unique(state, *spec, ""); !s.is_ok()) return s;
  out->push_back({"", ServerAdded{*spec}});
  return Status::ok();
}

Status decide_server_edit(const ProjectedState& state, const std::string& name,
                          const ServerSpec& raw, std::vector<EventDraft>* out) {
  const ServerRecord* current = state.servers.find(name);
  if (!current) return Status::not_found("no server named '" + shown(name) + "'");
  Result<ServerSpec> normal = normalized(raw, current->spec.credential_ref);
  if (!normal.ok()) return normal.status();
  const ServerSpec& spec = *normal;
  if (Status s = check_unique(state, spec, name); !s.is_ok()) return s;
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
  if (!state.servers.find(name)) {
    return Status::not_found("no server named '" + shown(name) + "'");
  }
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
