#include "daemon/sync/job_machine.h"

namespace distsync {

JobStep step(JobPhase state, JobEvent event) {
  using S = JobPhase;
  using E = JobEvent;
  using A = JobAction;
  if (terminal(state)) return {state, {}};
  // What holds in every live state.
  switch (event) {
    case E::kStop:
    case E::kAppendFailed:
      if (copying(state)) return {S::kStopped, {A::kCancelCopies}};
      return {S::kStopped, {}};
    case E::kGone:
      if (copying(state)) return {S::kEnded, {A::kCancelCopies}};
      return {S::kEnded, {}};
    default:
      break;
  }
  switch (state) {
    case S::kGate:
      switch (event) {
        case E::kBegin:
        case E::kLogAppended:
          return {S::kGate, {A::kCheckGate}};
        case E::kDeferred:
          return {S::kGate, {}};
        case E::kClear:
          return {S::kPrepare, {A::kPrepare}};
        case E::kCancel:
          return {S::kEnded, {A::kAppendCancelled}};
        default:
          return {S::kGate, {}};
      }
    case S::kPrepare:
      switch (event) {
        case E::kPrepared:
          return {S::kStartGate, {A::kStartGate}};
        case E::kPreparedIdle:
          return {S::kStartGate, {A::kRemoveTemps, A::kStartGateEnd}};
        case E::kFailed:
          return {S::kEnded, {A::kAppendFailed}};
        case E::kCancel:
          return {S::kEnded, {A::kAppendCancelled}};
        default:
          return {S::kPrepare, {}};
      }
    case S::kStartGate:
      switch (event) {
        case E::kClear:
          return {S::kCopy, {A::kSubmitPlan}};
        case E::kClearEnded:
          return {S::kEnded, {}};
        case E::kDeferred:
          // A download began while the job planned: wait for it, then plan again.
          return {S::kGate, {}};
        case E::kCancel:
          return {S::kEnded, {A::kAppendCancelled}};
        default:
          return {S::kStartGate, {}};
      }
    case S::kCopy:
      switch (event) {
        case E::kBatchDone:
          return {S::kCopy, {A::kRecordBatch, A::kResubmitDue}};
        case E::kRetryDue:
          return {S::kCopy, {A::kResubmitDue}};
        case E::kCancel:
          return {S::kCancelling, {A::kCancelCopies}};
        case E::kIdle:
          return {S::kEnded,
                  {A::kRemoveTemps, A::kPrune, A::kAppendFinal, A::kRememberHashes}};
        case E::kHeld:
          return {S::kCopy, {A::kAppendPaused}};
        case E::kReleased:
          return {S::kCopy, {A::kAppendResumed}};
        default:
          return {S::kCopy, {}};
      }
    case S::kCancelling:
      switch (event) {
        case E::kBatchDone:
          // Files that landed before the cancel are recorded; failures are not retried.
          return {S::kCancelling, {A::kRecordBatch}};
        case E::kIdle:
          return {S::kEnded, {A::kRemoveTemps, A::kAppendCancelled, A::kRememberHashes}};
        default:
          return {S::kCancelling, {}};
      }
    case S::kEnded:
    case S::kStopped:
      break;
  }
  return {state, {}};
}

bool copying(JobPhase state) { return state == JobPhase::kCopy || state == JobPhase::kCancelling; }

bool terminal(JobPhase state) { return state == JobPhase::kEnded || state == JobPhase::kStopped; }

std::string_view phase_name(JobPhase state) {
  switch (state) {
    case JobPhase::kGate: return "gate";
    case JobPhase::kPrepare: return "prepare";
    case JobPhase::kStartGate: return "start-gate";
    case JobPhase::kCopy: return "copy";
    case JobPhase::kCancelling: return "cancelling";
    case JobPhase::kEnded: return "ended";
    case JobPhase::kStopped: return "stopped";
  }
  return "?";
}

std::string_view event_name(JobEvent event) {
  switch (event) {
    case JobEvent::kLogAppended: return "log appended";
    case JobEvent::kBatchDone: return "batch done";
    case JobEvent::kRetryDue: return "retry due";
    case JobEvent::kCancel: return "cancel";
    case JobEvent::kStop: return "stop";
    case JobEvent::kHeld: return "held";
    case JobEvent::kReleased: return "released";
    case JobEvent::kBegin: return "begin";
    case JobEvent::kDeferred: return "deferred";
    case JobEvent::kClear: return "clear";
    case JobEvent::kClearEnded: return "clear, ended";
    case JobEvent::kGone: return "gone";
    case JobEvent::kPrepared: return "prepared";
    case JobEvent::kPreparedIdle: return "prepared, nothing to do";
    case JobEvent::kFailed: return "failed";
    case JobEvent::kIdle: return "idle";
    case JobEvent::kAppendFailed: return "append failed";
  }
  return "?";
}

}  // namespace distsync
