// CommandRunner: runs a pure decide function (the rest of daemon/commands) as a command
// inside the log's write transaction, against the projections as of the log head.
//
// The decide function receives `const ProjectedState&` and the output vector; it may run more
// than once (after the log grows its map), so it should only fill its outputs.
// `log` and `projections` must outlive the runner. Thread-safe.
#pragma once

#include <utility>

#include "events/log/event_log.h"
#include "projections/projection_set.h"

namespace distsync {

class CommandRunner {
 public:
  CommandRunner(EventLog& log, ProjectionSet& projections) : log_(log), projections_(projections) {}

  template <typename Decide>
  Result<AppendResult> run(Decide decide) {
    return log_.execute([&](std::uint64_t, std::vector<EventDraft>* out) {
      return projections_.with_state([&](const ProjectedState& s) { return decide(s, out); });
    });
  }

  // Reads current state (refreshed first if another process appended).
  template <typename Fn>
  auto read(Fn fn) {
    (void)projections_.refresh(log_);
    return projections_.with_state(fn);
  }

  EventLog& log() { return log_; }
  ProjectionSet& projections() { return projections_; }

 private:
  EventLog& log_;
  ProjectionSet& projections_;
};

}  // namespace distsync
