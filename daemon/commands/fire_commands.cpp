#include "daemon/commands/fire_commands.h"

#include <algorithm>

#include "projections/calendar/iso_time.h"
#include "projections/calendar/recurrence.h"

namespace distsync {
namespace {

std::int64_t fire_base(const ScheduleRecord& rec) {
  return std::max(rec.last_occurrence_us, rec.changed_us);
}

bool mine(const ScheduleRecord& rec, const std::string& console) {
  return rec.owner == console && rec.spec.enabled;
}

}  // namespace

Status decide_fire_due(const ProjectedState& state, const std::string& console,
                       std::int64_t now_us, std::int64_t grace_us, const DownloadSources& sources,
                       std::vector<EventDraft>* out, FireOutcome* outcome) {
  for (const auto& [id, rec] : state.schedules.schedules.items()) {
    if (!mine(rec, console)) continue;
    std::vector<std::int64_t> due;
    std::int64_t after = fire_base(rec);
    for (;;) {
      auto next = next_fire_after(rec.spec.recurrence, after);
      if (!next.ok()) {
        outcome->errors.push_back(id + ": " + next.status().message());
        break;
      }
      if (!next->has_value() || **next > now_us) break;
      due.push_back(**next);
      after = **next;
      // A long downtime of a frequent schedule: keep only what will be recorded.
      if (due.size() > 2 * kMaxMissedPerSchedule) due.erase(due.begin(), due.begin() + kMaxMissedPerSchedule);
    }
    if (due.empty()) continue;
    std::vector<std::int64_t> missed;
    std::optional<std::int64_t> fire;
    for (std::int64_t occ : due) {
      if (now_us - occ > grace_us) missed.push_back(occ);
      else fire = occ;  // only the latest within the grace period fires
    }
    if (missed.size() > static_cast<std::size_t>(kMaxMissedPerSchedule)) {
      missed.erase(missed.begin(), missed.end() - kMaxMissedPerSchedule);
    }
    for (std::int64_t occ : missed) {
      out->push_back({id, ScheduleMissed{id, occ,
                                         "the daemon was not running at " + format_utc_iso(occ) +
                                             ", longer ago than the catch-up grace period"}});
      ++outcome->missed;
    }
    if (fire) {
      const std::string trigger = now_us - *fire <= kOnTimeUs ? "schedule" : "catch-up";
      std::vector<EventDraft> work;
      std::vector<Started> started;
      Status s = decide_start(state, rec.spec, trigger, sources, *out, &work, &started);
      if (s.is_ok()) {
        out->push_back({id, ScheduleFired{id, *fire, trigger}});
        out->insert(out->end(), work.begin(), work.end());
        outcome->started.insert(outcome->started.end(), started.begin(), started.end());
      } else {
        // The occurrence is spent either way; the log keeps why nothing started.
        out->push_back({id, ScheduleMissed{id, *fire, "could not start: " + s.message()}});
        outcome->errors.push_back(id + ": " + s.message());
      }
    }
  }
  return Status::ok();
}

std::optional<std::int64_t> next_due(const ProjectedState& state, const std::string& console) {
  std::optional<std::int64_t> earliest;
  for (const auto& [id, rec] : state.schedules.schedules.items()) {
    if (!mine(rec, console)) continue;
    auto next = next_fire_after(rec.spec.recurrence, fire_base(rec));
    if (!next.ok() || !next->has_value()) continue;
    if (!earliest || **next < *earliest) earliest = **next;
  }
  return earliest;
}

}  // namespace distsync
