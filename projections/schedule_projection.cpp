#include "projections/schedule_projection.h"

namespace distsync {

std::vector<const ScheduleRecord*> ScheduleState::for_server(const std::string& server) const {
  std::vector<const ScheduleRecord*> out;
  for (const auto& [id, rec] : schedules.items()) {
    if (rec.spec.kind == "sync" && rec.spec.server == server) out.push_back(&rec);
  }
  return out;
}

bool syncs_core(const ScheduleSpec& spec) {
  return spec.kind == "sync" && (spec.component == "core" || spec.component == "all");
}

void apply(ScheduleState& state, const Event& e) {
  if (const auto* added = e.as<ScheduleAdded>()) {
    ScheduleRecord rec;
    rec.spec = added->schedule;
    rec.owner = e.console;
    rec.created_us = rec.changed_us = e.time_us;
    state.schedules.put(added->schedule.id, rec);
  } else if (const auto* edited = e.as<ScheduleEdited>()) {
    if (ScheduleRecord* rec = state.schedules.find_mutable(edited->schedule.id)) {
      rec->spec = edited->schedule;
      rec->changed_us = e.time_us;
    }
  } else if (const auto* deleted = e.as<ScheduleDeleted>()) {
    state.schedules.erase(deleted->id);
  } else if (const auto* fired = e.as<ScheduleFired>()) {
    if (ScheduleRecord* rec = state.schedules.find_mutable(fired->id)) {
      rec->last_occurrence_us = std::max(rec->last_occurrence_us, fired->occurrence_us);
      ++rec->fired;
    }
  } else if (const auto* missed = e.as<ScheduleMissed>()) {
    if (ScheduleRecord* rec = state.schedules.find_mutable(missed->id)) {
      rec->last_occurrence_us = std::max(rec->last_occurrence_us, missed->occurrence_us);
      ++rec->missed;
    }
  }
}

}  // namespace distsync
