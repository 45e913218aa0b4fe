#include "daemon/commands/schedule_commands.h"

#include "daemon/commands/ids.h"
#include "daemon/commands/sync_commands.h"
#include "projections/calendar/recurrence.h"

namespace distsync {
namespace {

bool is_download_kind(const std::string& kind) {
  return kind == "download_patches" || kind == "refresh";
}

// R3 and R5 for a sync schedule `spec` made by `console`.
Status check_server_rules(const ProjectedState& state, const std::string& console,
                          const ScheduleSpec& spec) {
  const ServerRecord* server = state.servers.find(spec.server);
  if (!server) return Status::not_found("no server named '" + spec.server + "'");
  if (server->spec.download_source) {
    return Status::invalid_argument("server '" + spec.server +
                                    "' is the download source for patches and product levels, so "
                                    "it cannot get a scheduled sync (R3)");
  }
  if (syncs_core(spec)) {
    for (const ScheduleRecord* other : state.schedules.for_server(spec.server)) {
      if (other->spec.id != spec.id && other->owner != console && syncs_core(other->spec)) {
        return Status::conflict("console '" + other->owner +
                                "' already synchronizes core engines/definitions to server '" +
                                spec.server + "' (schedule " + other->spec.id +
                                "); only one console may (R5)");
      }
    }
  }
  return Status::ok();
}

Status refuse_foreign(const ScheduleRecord& rec, const char* action) {
  return Status::invalid_argument("schedule " + rec.spec.id + " belongs to console '" + rec.owner +
                                  "'; only that console can " + action +
                                  " it (you may delete it, R4)");
}

}  // namespace

Status validate_schedule_spec(const ScheduleSpec& spec, std::int64_t now_us) {
  if (spec.kind == "sync") {
    if (spec.server.empty()) return Status::invalid_argument("a sync schedule needs --server");
    if (!valid_component(spec.component)) {
      return Status::invalid_argument("unknown component '" + spec.component +
                                      "': use core, patches or all");
    }
  } else if (!is_download_kind(spec.kind)) {
    return Status::invalid_argument("unknown schedule kind '" + spec.kind +
                                    "': use sync, download_patches or refresh");
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
  if (s.is_ok() && spec.kind == "sync") s = check_server_rules(state, console, spec);
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
  if (s.is_ok() && spec.kind == "sync") s = check_server_rules(state, console, spec);
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
                    Started* started) {
  started->schedule_id = spec.id;
  if (spec.kind == "sync") {
    SyncRequest req;
    req.server = spec.server;
    req.component = spec.component;
    req.trigger = trigger;
    req.schedule_id = spec.id;
    started->kind = "sync";
    std::vector<EventDraft> pending = already;
    pending.insert(pending.end(), out->begin(), out->end());
    return decide_sync_enqueue(state, req, pending, out, &started->id, &started->joined);
  }
  DownloadRequest req;
  req.kind = spec.kind == "refresh" ? "refresh" : "patches";
  auto it = sources.find(req.kind);
  if (it != sources.end()) req.source = it->second;
  req.trigger = trigger;
  req.schedule_id = spec.id;
  started->kind = "download";
  return decide_download_start(state, req, out, &started->id);
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
    Started s;
    Status st = decide_start(state, rec->spec, "manual", sources, {}, &decided, &s);
    if (!st.is_ok()) return st;
    started->push_back(s);
  }
  out->insert(out->end(), decided.begin(), decided.end());
  return Status::ok();
}

}  // namespace distsync
