// ProjectionSet: every projection of the log, kept in step with it as the log's Folder.
//
// It folds each appended event into servers, schedules, jobs, downloads and the history
// indexes, and persists what changed in the same write transaction as the events (see
// events/log/event_log.h), under "proj-meta/seq" and the projections' own keys. On open it
// loads that persisted state instead of replaying the log; when another process has appended
// since, sync() reloads it.
//
// Readers use with_state(); commands run by the log's writer read through the same call.
// Readers see only committed state: while a write transaction is open (from sync() to
// committed()), a reader on any thread but the writer's waits for it to end, so no reply
// ever reports an event that a failed commit then rolls back.
// Thread-safe: one mutex guards all state.
#pragma once

#include <functional>
#include <thread>
#include <string>

#include "events/log/event_log.h"
#include "events/mutex.h"
#include "projections/agent_projection.h"
#include "projections/download_projection.h"
#include "projections/group_projection.h"
#include "projections/history_index.h"
#include "projections/job_projection.h"
#include "projections/schedule_projection.h"
#include "projections/server_projection.h"
#include "projections/validation_projection.h"

namespace distsync {

struct ProjectedState {
  std::uint64_t seq = 0;  // the last event folded in
  ServerState servers;
  ScheduleState schedules;
  JobState jobs;
  DownloadState downloads;
  HistoryIndex history;
  GroupState groups;
  ValidationState validations;
  AgentState agents;
};

// The pure fold of one event into every projection.
void apply(ProjectedState& state, const Event& e);

class ProjectionSet : public Folder {
 public:
  ProjectionSet() = default;

  // Folder
  std::uint64_t sync(std::uint64_t head, StateTable& table) override;
  void apply(const Event& e) override;
  void save(StateTable& table) override;
  void discard() override;
  void committed() override;

  // Brings memory up to the log's head if another process appended (one read transaction),
  // folding in memory any events the persisted state lacks.
  Status refresh(EventLog& log);

  // Runs fn with the current state. fn must not call back into this set.
  template <typename Fn>
  auto with_state(Fn&& fn) const {
    MutexLock lock(&mu_);
    if (writing_ && std::this_thread::get_id() != writer_) {
      const std::uint64_t transaction = transactions_;
      while (writing_ && transactions_ == transaction) settled_.wait(&mu_);
    }
    return fn(static_cast<const ProjectedState&>(state_));
  }

 private:
  void load(StateTable& table) REQUIRES(mu_);
  std::uint64_t sync_to(std::uint64_t head, StateTable& table);

  mutable Mutex mu_;
  ProjectedState state_ GUARDED_BY(mu_);
  bool loaded_ GUARDED_BY(mu_) = false;
  // The open write transaction: state_ may hold events not yet durable.
  bool writing_ GUARDED_BY(mu_) = false;
  std::thread::id writer_ GUARDED_BY(mu_);
  std::uint64_t transactions_ GUARDED_BY(mu_) = 0;  // write transactions begun
  mutable CondVar settled_;
};

// Folds events [1, to_seq] of `log` into a fresh state and writes it into `out`, the way the
// live daemon would have. Used for offline rebuilds, checks and time travel (--as-of).
Status rebuild(EventLog& log, std::uint64_t to_seq, StateTable& out, ProjectedState* state = nullptr);

}  // namespace distsync
