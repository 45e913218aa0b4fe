// Commands on schedules: add, edit, delete, run now; with the rules of the brief:
//   R3 a download-source server gets no scheduled sync;
//   R4 a schedule belongs to the console that made it: others may delete it but not edit or
//      run it;
//   R5 per server, one console at most holds schedules that sync core engines/definitions.
// Pure decide functions (see server_commands.h); the daemon runs them in the write transaction,
// which is what makes R5 hold when two daemons race.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "events/event.h"
#include "projections/projection_set.h"

namespace distsync {

// Checks kind, component and recurrence (including "once in the past" against now_us).
Status validate_schedule_spec(const ScheduleSpec& spec, std::int64_t now_us);

Status decide_schedule_add(const ProjectedState& state, const std::string& console,
                           const ScheduleSpec& spec, std::int64_t now_us,
                           std::vector<EventDraft>* out);
Status decide_schedule_edit(const ProjectedState& state, const std::string& console,
                            const ScheduleSpec& spec, std::int64_t now_us,
                            std::vector<EventDraft>* out);
Status decide_schedule_delete(const ProjectedState& state, const std::string& id,
                              std::vector<EventDraft>* out);

// What one schedule's occurrence (or Run now) starts: a sync job, a download, or a content
// validation (kind "validate": no event yet; the caller submits it to the validation service,
// which records ValidationCompleted under `id`).
struct Started {
  std::string schedule_id;
  std::string kind;  // "sync", "download" or "validate"
  std::string id;    // job, download or validation id
  bool joined = false;  // an already queued job was joined instead
  std::string server;     // sync and validate
  std::string component;  // sync and validate
};

// Download source by kind ("refresh", "patches"), as resolved by the caller from state and
// configuration.
using DownloadSources = std::map<std::string, std::string>;

// Run now (R8) for several schedules at once: all or nothing.
Status decide_schedule_run(const ProjectedState& state, const std::string& console,
                           const std::vector<std::string>& ids, const DownloadSources& sources,
                           std::vector<EventDraft>* out, std::vector<Started>* started);

// The events that start the work of `spec`: SyncQueued (joining a queued job for the same
// server and component) or DownloadStarted; a validate schedule appends nothing here. A sync or
// validate schedule whose `server` names a group starts one per server the group holds at
// this moment (enabled ones; for a sync not the download sources, R3), so a server that
// joined after the schedule was made is included; a group with none is invalid_argument.
// `trigger` is "schedule", "catch-up" or "manual". `already` are events decided earlier in the
// same command. Appends one Started per server (or download) to *started.
Status decide_start(const ProjectedState& state, const ScheduleSpec& spec,
                    const std::string& trigger, const DownloadSources& sources,
                    const std::vector<EventDraft>& already, std::vector<EventDraft>* out,
                    std::vector<Started>* started);

}  // namespace distsync
