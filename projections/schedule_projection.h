// Schedules: every console's schedules with their owner, and what each has fired.
//
// The owner is the console that appended ScheduleAdded. last_occurrence_us is the latest
// occurrence that was fired or recorded missed, so a restart never fires it again.
// Pure fold; value type.
#pragma once

#include <string>
#include <vector>

#include "events/event.h"
#include "projections/entity_store.h"

namespace distsync {

struct ScheduleRecord {
  ScheduleSpec spec;
  std::string owner;
  std::int64_t created_us = 0;
  std::int64_t changed_us = 0;
  std::int64_t last_occurrence_us = 0;  // 0 = never fired
  std::uint64_t fired = 0;
  std::uint64_t missed = 0;

  bool operator==(const ScheduleRecord&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ScheduleRecord>(version);
    ar(CEREAL_NVP(spec), CEREAL_NVP(owner), CEREAL_NVP(created_us), CEREAL_NVP(changed_us),
       CEREAL_NVP(last_occurrence_us), CEREAL_NVP(fired), CEREAL_NVP(missed));
  }
};

struct ScheduleState {
  EntityStore<ScheduleRecord> schedules{"schedule/"};

  const ScheduleRecord* find(const std::string& id) const { return schedules.find(id); }
  std::vector<const ScheduleRecord*> for_server(const std::string& server) const;
};

void apply(ScheduleState& state, const Event& e);

// True when the schedule copies core engines/definitions (component "core" or "all").
bool syncs_core(const ScheduleSpec& spec);

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::ScheduleRecord, 1);
