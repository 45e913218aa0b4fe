#include "daemon/commands/schedule_commands.h"

#include "daemon/commands/ids.h"
#include "daemon/commands/sync_commands.h"
#include "projections/calendar/recurrence.h"

namespace distsync {
namespace {

bool is_download_kind(const std::string& kind) {
  return kind == "download_patches" || kind == "refresh";
}

// R5 for core syncs of `server` by `console`'s schedule `spec`: another console's sync
// schedule of the server, or of a group that holds it now, refuses.
Status check_core_owner(const ProjectedState& state, const std::string& console,
                        const ScheduleSpec& spec, const std::string& server) {
  if (!syncs_core(spec)) return Status::ok();
  for (const auto& [id, other] : state.schedules.schedules.items()) {
    if (other.spec.id == spec.id || other.owner == console || !syncs_core(other.spec)) continue;
    if (other.spec.server != server && !state.groups.reaches(other.spec.server, server)) continue;
    return Status::conflict("console '" + other.owner +
                            "' already synchronizes core engines/definitions to server '" +
                            server + "' (schedule " + other.spec.id + "); only one console may (R5)");
  }
  return Status::ok();
}

// R3 and R5 for a sync or validate schedule `spec` made by `console`. `spec.server` may name a
// group: R5 holds for the servers it holds now; R3 and later members are checked when it fires.
Status check_server_rules(const ProjectedState& state, const std::string& console,
                          const ScheduleSpec& spec) {
  if (state.groups.find(spec.server)) {
    if (spec.kind != "sync") return Status::ok();
    for (const std::string& member : state.groups.expand(spec.server)) {
      Status s = check_core_owner(state, console, spec, member);
      if (!s.is_ok()) return s;
    }
    return Status::ok();
  }
  const ServerRecord* server = state.servers.find(spec.server);
  if (!server) {
    return Status::not_found("no server or group named '" + spec.server +
                             "'; list them with 'distsync server list' and 'distsync group list'");
  }
  if (spec.kind != "sync") return Status::ok();
  if (server->spec.download_source) {
    return Status::invalid_argument("server '" + spec.server +
                                    "' is the download source for patches and product levels, so "
                                    "it cannot get a scheduled sync (R3)");
  }
  return check_core_owner(state, console, spec, spec.server);
}

// The servers a sync or validate schedule reaches when it fires: its server, or the enabled
// servers its group holds at that moment that are not download sources (R3).
Result<std::vector<std::string>> schedule_targets(const ProjectedState& state,
                                                  const ScheduleSpec& spec) {
  if (!state.groups.find(spec.server)) {
    if (!state.servers.find(spec.server)) {
      return Status::not_found("no server or group named '" + spec.server + "'");
    }
    return std::vector<std::string>{spec.server};
  }
  std::vector<std::string> out;
  for (const std::string& name : state.groups.expand(spec.server)) {
    const ServerRecord* rec = state.servers.find(name);
    if (rec == nullptr || !rec->spec.enabled) continue;
    if (spec.kind == "sync" && rec->spec.download_source) continue;
    out.push_back(name);
  }
  if (out.empty()) {
    return Status::invalid_argument("group '" + spec.server + "' holds no server to " +
                                    (spec.kind == "sync" ? "sync" : "validate"));
  }
  return out;
}

Status refuse_foreign(const ScheduleRecord& rec, const char* action) {
  return Status::invalid_argument("schedule " + rec.spec.id + " belongs to console '" + rec.owner +
                                  "'; only that console can " + action +
                                  " it (you may delete it, R4)");
}

}  // namespace

Status validate_schedule_spec(const ScheduleSpec& spec, std::int64_t now_us) {
  if (spec.kind == "sync" || spec.kind == "validate") {
    if (spec.server.empty()) {
      return Status::invalid_argument("a " + spec.kind + " schedule needs --server (a server or group)");
    }
    if (!valid_component(spec.component)) {
      return Status::invalid_argument("unknown component '" + spec.component +
                                      "': use core, patches or all");
    }
  } else if (!is_download_kind(spec.kind)) {
    return Status::invalid_argument("unknown schedule kind '" + spec.kind +
                                    "': use sync, validate, download_patches or refresh");
  }
  return validate_at(spec.recurrence, now_us);
}

Status decide_schedule_add(const ProjectedState& state, const std::string& console,
                           const ScheduleSpec& spec, std::int64_t now_us,
                           std::vector<EventDraft>* out) {
  if (spec.id.empty()) return Status::invalid_argument("a schedule needs an id");
  if (state.schedules.find(spec.id)) {
    return Status::conflict("a schedule with id '" + spec.id + "' already exists");
  }
  Status s = validate_schedule_spec(spec, now_us);
  if (s.is_ok() && !is_download_kind(spec.kind)) s = check_server_rules(state, console, spec);
  if (!s.is_ok()) return s;
  out->push_back({spec.id, ScheduleAdded{spec}});
  return Status::ok();
}

Status decide_schedule_edit(const ProjectedState& state, const std::string& console,
                            const ScheduleSpec& spec, std::int64_t now_us,
                            std::vector<EventDraft>* out) {
  const ScheduleRecord* rec = state.schedules.find(spec.id);
  if (!rec) return Status::not_found("no schedule with id '" + spec.id + "'");
  if (rec->owner != console) return refuse_foreign(*rec, "edit");
  Status s = validate_schedule_spec(spec, now_us);
  if (s.is_ok() && !is_download_kind(spec.kind)) s = check_server_rules(state, console, spec);
  if (!s.is_ok()) return s;
  if (spec == rec->spec) return Status::ok();
  out->push_back({spec.id, ScheduleEdited{spec}});
  return Status::ok();
}

Status decide_schedule_delete(const ProjectedState& state, const std::string& id,
                              std::vector<EventDraft>* out) {
  const ScheduleRecord* rec = state.schedules.find(id);
  if (!rec) return Status::not_found("no schedule with id '" + id + "'");
  out->push_back({id, ScheduleDeleted{id, rec->owner}});
  return Status::ok();
}

Status decide_start(const ProjectedState& state, const ScheduleSpec& spec,
                    const std::string& trigger, const DownloadSources& sources,
                    const std::vector<EventDraft>& already, std::vector<EventDraft>* out,
                    std::vector<Started>* started) {
  if (spec.kind == "sync" || spec.kind == "validate") {
    auto servers = schedule_targets(state, spec);
    if (!servers.ok()) return servers.status();
    for (const std::string& server : *servers) {
      Started one;
      one.schedule_id = spec.id;
      one.kind = spec.kind;
      one.server = server;
      one.component = spec.component;
      if (spec.kind == "validate") {
        // The validation itself runs after the command, on the validation service.
        one.id = new_id("val");
        started->push_back(std::move(one));
        continue;
      }
      SyncRequest req;
      req.server = server;
      req.component = spec.component;
      req.trigger = trigger;
      req.schedule_id = spec.id;
      std::vector<EventDraft> pending = already;
      pending.insert(pending.end(), out->begin(), out->end());
      Status s = decide_sync_enqueue(state, req, pending, out, &one.id, &one.joined);
      if (!s.is_ok()) return s;
      started->push_back(std::move(one));
    }
    return Status::ok();
  }
  Started one;
  one.schedule_id = spec.id;
  DownloadRequest req;
  req.kind = spec.kind == "refresh" ? "refresh" : "patches";
  auto it = sources.find(req.kind);
  if (it != sources.end()) req.source = it->second;
  req.trigger = trigger;
  req.schedule_id = spec.id;
  one.kind = "download";
  Status s = decide_download_start(state, req, out, &one.id);
  if (s.is_ok()) started->push_back(std::move(one));
  return s;
}

Status decide_schedule_run(const ProjectedState& state, const std::string& console,
                           const std::vector<std::string>& ids, const DownloadSources& sources,
                           std::vector<EventDraft>* out, std::vector<Started>* started) {
  if (ids.empty()) return Status::invalid_argument("name at least one schedule to run");
  std::vector<EventDraft> decided;
  for (const std::string& id : ids) {
    const ScheduleRecord* rec = state.schedules.find(id);
    if (!rec) return Status::not_found("no schedule with id '" + id + "'");
    if (rec->owner != console) return refuse_foreign(*rec, "run");
    Status st = decide_start(state, rec->spec, "manual", sources, {}, &decided, started);
    if (!st.is_ok()) return st;
  }
  out->insert(out->end(), decided.begin(), decided.end());
  return Status::ok();
}

}  // namespace distsync
