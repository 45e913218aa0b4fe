// Events about schedules: added, edited, deleted, fired, missed.
//
// The owning console of a schedule is the console id in the envelope of its ScheduleAdded.
// kind is "sync", "validate", "download_patches" or "refresh"; server (a server or a group)
// and component ("core", "patches" or "all") are for sync and validate schedules only.
#pragma once

#include <cereal/types/string.hpp>
#include <cstdint>
#include <string>

#include "events/recurrence.h"
#include "events/schema.h"

namespace distsync {

struct ScheduleSpec {
  std::string id;
  std::string kind = "sync";
  std::string server;     // sync and validate schedules: a server or a group
  std::string component;  // sync and validate schedules
  Recurrence recurrence;
  bool enabled = true;

  bool operator==(const ScheduleSpec&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ScheduleSpec>(version);
    ar(CEREAL_NVP(id), CEREAL_NVP(kind), CEREAL_NVP(server), CEREAL_NVP(component),
       CEREAL_NVP(recurrence), CEREAL_NVP(enabled));
  }
};

struct ScheduleAdded {
  static constexpr const char* kType = "ScheduleAdded";
  ScheduleSpec schedule;
  bool operator==(const ScheduleAdded&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ScheduleAdded>(version);
    ar(CEREAL_NVP(schedule));
  }
};

struct ScheduleEdited {
  static constexpr const char* kType = "ScheduleEdited";
  ScheduleSpec schedule;
  bool operator==(const ScheduleEdited&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ScheduleEdited>(version);
    ar(CEREAL_NVP(schedule));
  }
};

struct ScheduleDeleted {
  static constexpr const char* kType = "ScheduleDeleted";
  std::string id;
  std::string owner;  // the console that had made it
  bool operator==(const ScheduleDeleted&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ScheduleDeleted>(version);
    ar(CEREAL_NVP(id), CEREAL_NVP(owner));
  }
};

// One occurrence fell due and was acted on. trigger is "schedule" or "catch-up".
struct ScheduleFired {
  static constexpr const char* kType = "ScheduleFired";
  std::string id;
  std::int64_t occurrence_us = 0;  // the occurrence's UTC time
  std::string trigger;
  bool operator==(const ScheduleFired&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ScheduleFired>(version);
    ar(CEREAL_NVP(id), CEREAL_NVP(occurrence_us), CEREAL_NVP(trigger));
  }
};

// An occurrence fell due while the daemon was down, longer ago than the grace period.
struct ScheduleMissed {
  static constexpr const char* kType = "ScheduleMissed";
  std::string id;
  std::int64_t occurrence_us = 0;
  std::string reason;
  bool operator==(const ScheduleMissed&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<ScheduleMissed>(version);
    ar(CEREAL_NVP(id), CEREAL_NVP(occurrence_us), CEREAL_NVP(reason));
  }
};

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::ScheduleSpec, 1);
CEREAL_CLASS_VERSION(distsync::ScheduleAdded, 1);
CEREAL_CLASS_VERSION(distsync::ScheduleEdited, 1);
CEREAL_CLASS_VERSION(distsync::ScheduleDeleted, 1);
CEREAL_CLASS_VERSION(distsync::ScheduleFired, 1);
CEREAL_CLASS_VERSION(distsync::ScheduleMissed, 1);
