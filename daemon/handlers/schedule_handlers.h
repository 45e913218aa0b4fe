// Control ops for schedules: "schedule.add", "schedule.edit", "schedule.delete",
// "schedule.list" (with optional "as_of" and "next"), "schedule.preview" (a spec that need
// not be saved) and "schedule.run" (Run now, several ids). Fire times are given in the
// schedule's zone and in UTC, as ISO 8601 with offset. `runner` must outlive the router.
#pragma once

#include <functional>
#include <string>

#include "daemon/commands/schedule_commands.h"
#include "daemon/commands/command_runner.h"
#include "daemon/request_router.h"

namespace distsync {

struct ScheduleHandlerOptions {
  std::string console;
  std::string default_time_zone = "UTC";
  std::function<DownloadSources()> download_sources;
  std::function<void()> on_change;  // wakes the scheduler
  // Runs what Run now started that needs more than an event: validations (may be empty).
  std::function<void(const std::vector<Started>&)> on_started;
};

void register_schedule_handlers(RequestRouter& router, CommandRunner& runner,
                                ScheduleHandlerOptions options);

// "monthly, the 2nd Tuesday + 4 days, at 03:00 Europe/Berlin"
std::string describe(const Recurrence& r);

}  // namespace distsync
