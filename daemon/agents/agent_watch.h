// AgentWatch: turns the agent hub's presence into facts in the log. An agent the hub has seen
// but heard nothing from for longer than the lost timeout is recorded lost (AgentLost), once
// per outage; a lost agent that is connected again is recorded back (AgentReconnected).
//
// decide_agent_presence() is the pure core: the projected state (which agents are allowed and
// which are lost now), what the hub sees and the time in, the events out. Run as a log command
// (EventLog::execute), it sees the state at the log head, so two ticks never record one outage twice.
// AgentWatcher is the shell: a thread that asks the hub every `period` and runs the decision.
// An agent not seen since the console started is not judged (the hub knows nothing of it).
//
// AgentWatcher: `hub`, `log` and `projections` must outlive it; the destructor stops and joins the thread.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/agents/agent_hub.h"
#include "events/event.h"
#include "events/log/event_log.h"
#include "projections/projection_set.h"

namespace distsync {

// Appends to `out` what the presence `seen` at `now_us` (wall clock, as AgentPresence's
// last_seen_us) means for the allowed agents in `state`.
// REQUIRES: timeout_us > 0.
void decide_agent_presence(const ProjectedState& state, const std::vector<AgentPresence>& seen,
                           std::int64_t now_us, std::int64_t timeout_us,
                           std::vector<EventDraft>* out);

struct AgentWatchOptions {
  std::chrono::milliseconds lost_timeout{30000};
  std::chrono::milliseconds period{250};
  std::function<std::int64_t()> now_us;  // the wall clock, microseconds
};

class AgentWatcher {
 public:
  AgentWatcher(AgentHub& hub, EventLog& log, ProjectionSet& projections,
               AgentWatchOptions options);
  ~AgentWatcher();
  AgentWatcher(const AgentWatcher&) = delete;
  AgentWatcher& operator=(const AgentWatcher&) = delete;

  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
