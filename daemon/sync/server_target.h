// The Target a server's files go to, in one place for everything of the sync engine that
// reaches a server (a job's preflight, listing, writes and prune; the File Status Report).
//
// A TargetFactory picks the Target kind for a server spec (tests inject a MemoryTarget; SMB
// shares and agents plug in here). Without one, a server is a LocalTarget at its root path.
// Pure wiring; thread-safe when the factory is.
#pragma once

#include <functional>
#include <memory>

#include "daemon/targets/local_target.h"
#include "daemon/targets/target.h"
#include "events/server_events.h"

namespace distsync {

using TargetFactory = std::function<std::shared_ptr<Target>(const ServerSpec&)>;

inline std::shared_ptr<Target> open_server_target(const TargetFactory& factory,
                                                  const ServerSpec& server) {
  return factory ? factory(server) : std::make_shared<LocalTarget>(server.root_path);
}

}  // namespace distsync
