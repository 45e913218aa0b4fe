// JobMachine: the states of one sync job and its transitions, as a pure function.
//
// A job thread (sync_job.cpp) is a shell around step(): it turns each mailbox message and
// the result of each action it ran into a JobEvent, calls step(), runs the actions in order,
// and feeds their results back. Nothing here touches a clock, a log or a target, so every
// transition is unit-tested on its own (tests/sync/job_machine_test.cpp).
//
//   kGate ──deferred──► kGate (waits for "log appended")
//     │ clear
//     ▼
//   kPrepare ──prepared──► kStartGate ──deferred──► kGate   (a download began meanwhile)
//     │ failed                 │ clear             │ clear, ended
//     ▼                        ▼                   ▼
//   kEnded ◄──idle────────── kCopy ──cancel──► kCancelling ──idle──► kEnded
//   kPrepare ──prepared, nothing to do──► kStartGate: stale temps are removed first, and the
//   gate appends SyncStarted and SyncCompleted in one Command ("clear, ended" to kEnded): a
//   no-op sync commits once, with the same events a sync that copies appends apart.
//                              ▲ batch done / retry due      batch done ▲
//   kCopy ──held──► kCopy + SyncPaused; kCopy ──released──► kCopy + SyncResumed (the shell
//   sends each once per window: a closed window of the server's plan holds, then frees, the
//   job's queued batches); in kCancelling both are ignored.
//
//   gone (job already ended or cancelled in the log) ─► kEnded, from any live state;
//   cancel in kGate/kPrepare/kStartGate ─► kEnded with SyncCancelled;
//   stop, or a failed append, from any live state ─► kStopped: no final event, so the job
//   stays unfinished in the projection and resumes on the next start.
// kEnded and kStopped are terminal: step() returns them unchanged with no action.
// Pure; value types; thread-safe.
#pragma once

#include <string_view>
#include <vector>

namespace distsync {

enum class JobPhase {
  kGate,        // waiting out running downloads (R6); SyncDeferred once per download
  kPrepare,     // resolving the target, preflight (R7), stale temps, plan
  kStartGate,   // the gate once more, appending SyncStarted unless a download began
  kCopy,        // batches out, retries pending
  kCancelling,  // copies cancelled; waiting for the outstanding batches to come back
  kEnded,       // a final event is in the log (or the job was gone)
  kStopped,     // left unfinished on purpose (stop) or by a failed append
};

enum class JobEvent {
  // Mailbox messages.
  kLogAppended,  // the log moved (or the poll timed out) while waiting in the gate
  kBatchDone,    // a batch's outcomes came back
  kRetryDue,     // the injected clock reached a retry's time (or jumped)
  kCancel,       // the operator's cancel
  kStop,         // the runner is stopping
  kHeld,         // a closed window began to hold the job's queued batches
  kReleased,     // the held batches are handed out again
  // Results of the shell's actions.
  kBegin,         // the thread started
  kDeferred,      // the gate found a download running
  kClear,         // the gate found none (and, from kStartGate, appended SyncStarted)
  kClearEnded,    // the gate found none and appended SyncStarted and SyncCompleted together
  kGone,          // the log shows the job finished
  kPrepared,      // preflight and plan succeeded
  kPreparedIdle,  // preflight and plan succeeded, and the plan copies and prunes nothing
  kFailed,        // preparation failed; the reason is the shell's
  kIdle,          // nothing outstanding and no retry pending (or cancelling and drained)
  kAppendFailed,  // an append did not commit
};

enum class JobAction {
  kCheckGate,        // decide_job_gate without a start (SyncDeferred when a download runs)
  kPrepare,          // target, preflight, stale temps of an earlier attempt, plan
  kStartGate,        // decide_job_gate with the plan's counts (SyncStarted)
  kStartGateEnd,     // the same with the job's SyncCompleted in the same Command
  kSubmitPlan,       // every planned file to the CopyExecutor, attempt 1
  kRecordBatch,      // FileCopied for the landed files, FileCopyFailed for the failures
  kResubmitDue,      // the retries whose time has come, to the CopyExecutor
  kCancelCopies,     // the CopyExecutor drops the job's tasks (temps removed)
  kRemoveTemps,      // stale temps under every target folder of the job
  kPrune,            // extras removed, when the job asks
  kAppendFinal,      // SyncCompleted, or SyncFailed when files failed after every attempt
  kAppendFailed,     // SyncFailed with the preparation's reason
  kAppendCancelled,  // SyncCancelled
  kAppendPaused,     // SyncPaused naming the closed window and when it opens
  kAppendResumed,    // SyncResumed with how long the job was paused
  kRememberHashes,   // the hashes the copies computed, into the hash cache, after the job's
                     // last event: the cache only spares the next plan work, so neither
                     // `sync --wait` nor a subscriber waits for it
};

struct JobStep {
  JobPhase next;
  std::vector<JobAction> actions;
  bool operator==(const JobStep&) const = default;
};

JobStep step(JobPhase state, JobEvent event);

// True while the shell should wait for copy outcomes and retries (kCopy, kCancelling).
bool copying(JobPhase state);
bool terminal(JobPhase state);

std::string_view phase_name(JobPhase state);
std::string_view event_name(JobEvent event);

}  // namespace distsync
