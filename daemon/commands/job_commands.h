// Commands of a running sync job: wait for downloads or start (R6), cancel, record the files
// of a batch, and end.
//
// Each decide_* function is pure (see server_commands.h): it reads the projected state at the
// log head and fills `out`, and the JobRunner runs it through CommandRunner inside the write
// transaction, so a download that starts, or a cancel that lands, between a check and its
// append cannot slip in. A job that is gone or already finished gets no event from any of
// them: a second final event is never appended.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "events/event.h"
#include "projections/projection_set.h"

namespace distsync {

// What decide_job_gate found.
enum class JobGate {
  kGone,      // unknown or finished: the runner lets it go
  kDeferred,  // a download runs (SyncDeferred appended once per download)
  kClear,     // no download runs (and SyncStarted was appended when `start` was given)
};

// The figures of SyncStarted, from the plan. `completed`, for a plan with nothing to copy or
// prune, is the job's SyncCompleted: appended right after SyncStarted in the same Command, so
// a no-op sync costs one commit for both (the events are the same as when appended apart).
struct JobStart {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::uint64_t up_to_date = 0;
  std::optional<SyncCompleted> completed;
};

// R6. While any download runs, defers `job` (SyncDeferred naming the download, appended once
// per download). Then, when `now_us` is given and the job's server is in a closed window at
// that instant (of its own plan or of a group it is in, rate_in_force.h), defers it too (SyncDeferred with download_id
// kClosedWindow, naming the window and when it opens, appended once per deferral). Otherwise,
// with `start`, appends SyncStarted {attempt = previous + 1}, followed by start->completed
// when that is set.
inline constexpr const char* kClosedWindow = "closed-window";
Status decide_job_gate(const ProjectedState& state, const std::string& job,
                       const std::optional<JobStart>& start, std::vector<EventDraft>* out,
                       JobGate* gate, std::optional<std::int64_t> now_us = std::nullopt);

// Cancels a job no thread of this console runs: not_found for an unknown or finished job,
// conflict for another console's job.
Status decide_job_cancel(const ProjectedState& state, const std::string& job,
                         const std::string& console, const std::string& reason,
                         std::vector<EventDraft>* out);

// One FileCopied per landed file, except those the job already recorded with the same path
// and hash (so a re-dispatched batch records a file once). *copied and *bytes count what it
// appended.
Status decide_record_copied(const ProjectedState& state, const std::string& job,
                            const std::vector<FileCopied>& landed, std::vector<EventDraft>* out,
                            std::uint64_t* copied, std::uint64_t* bytes);

// Appends `event` (FileCopyFailed, or a final event: SyncCompleted, SyncFailed,
// SyncCancelled) while the job is unfinished. *appended says whether it did.
Status decide_job_event(const ProjectedState& state, const std::string& job, EventPayload event,
                        std::vector<EventDraft>* out, bool* appended);

}  // namespace distsync
