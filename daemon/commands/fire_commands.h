// Firing schedules that fell due: the pure decision behind the scheduler.
//
// For each enabled schedule owned by `console`, the occurrences after the later of its last
// fired occurrence and its last change, up to `now_us`, are due:
//   - occurrences older than `grace_us` are recorded as ScheduleMissed (at most
//     kMaxMissedPerSchedule, the last naming how many earlier ones it stands for);
//   - the latest occurrence within the grace period fires once: ScheduleFired and the work it
//     starts (SyncQueued or DownloadStarted), with trigger "schedule" when it is less than
//     kOnTimeUs late and "catch-up" otherwise.
// Because it runs inside the write transaction and the schedule projection remembers the last
// occurrence, an occurrence never fires twice, across restarts and processes.
#pragma once

#include <optional>

#include "daemon/commands/schedule_commands.h"

namespace distsync {

inline constexpr std::int64_t kOnTimeUs = 60'000'000;
inline constexpr int kMaxMissedPerSchedule = 100;

struct FireOutcome {
  std::vector<Started> started;
  int missed = 0;
  std::vector<std::string> errors;  // schedules whose rule could not be evaluated
};

Status decide_fire_due(const ProjectedState& state, const std::string& console,
                       std::int64_t now_us, std::int64_t grace_us, const DownloadSources& sources,
                       std::vector<EventDraft>* out, FireOutcome* outcome);

// When the next of `console`'s schedules falls due (nullopt: none will).
std::optional<std::int64_t> next_due(const ProjectedState& state, const std::string& console);

}  // namespace distsync
