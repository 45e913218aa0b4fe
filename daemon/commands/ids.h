// New identifiers for jobs, downloads and schedules: "<prefix>-<12 hex digits>", random, so
// daemons of different consoles sharing a data dir never collide. Thread-safe.
#pragma once

#include <string>

namespace distsync {

std::string new_id(const std::string& prefix);

}  // namespace distsync
