// The transitions of a sync job (daemon/sync/job_machine.h), one by one: the pure step()
// that the job thread's shell drives.
#include "daemon/sync/job_machine.h"

#include <gtest/gtest.h>

namespace distsync::testing {
namespace {

using A = JobAction;
using E = JobEvent;
using S = JobPhase;

JobStep at(S state, E event) { return step(state, event); }

TEST(JobMachineTest, GateChecksOnBeginAndOnEveryLogAppendUntilClear) {
  EXPECT_EQ(at(S::kGate, E::kBegin), (JobStep{S::kGate, {A::kCheckGate}}));
  EXPECT_EQ(at(S::kGate, E::kDeferred), (JobStep{S::kGate, {}}));
  EXPECT_EQ(at(S::kGate, E::kLogAppended), (JobStep{S::kGate, {A::kCheckGate}}));
  EXPECT_EQ(at(S::kGate, E::kClear), (JobStep{S::kPrepare, {A::kPrepare}}));
}

TEST(JobMachineTest, PreparationStartsOrFailsTheJob) {
  EXPECT_EQ(at(S::kPrepare, E::kPrepared), (JobStep{S::kStartGate, {A::kStartGate}}));
  EXPECT_EQ(at(S::kPrepare, E::kFailed), (JobStep{S::kEnded, {A::kAppendFailed}}));
}

TEST(JobMachineTest, ADownloadThatBeganWhileThePlanWasMadeSendsTheJobBackToTheGate) {
  EXPECT_EQ(at(S::kStartGate, E::kDeferred), (JobStep{S::kGate, {}}));
  EXPECT_EQ(at(S::kStartGate, E::kClear), (JobStep{S::kCopy, {A::kSubmitPlan}}));
}

// A plan with nothing to copy or prune: stale temps go first, then SyncStarted and
// SyncCompleted in one Command; a download that began meanwhile still defers the job.
TEST(JobMachineTest, APlanWithNothingToDoStartsAndEndsInOneGate) {
  EXPECT_EQ(at(S::kPrepare, E::kPreparedIdle),
            (JobStep{S::kStartGate, {A::kRemoveTemps, A::kStartGateEnd}}));
  EXPECT_EQ(at(S::kStartGate, E::kClearEnded), (JobStep{S::kEnded, {}}));
  EXPECT_EQ(at(S::kStartGate, E::kDeferred), (JobStep{S::kGate, {}}));
  EXPECT_EQ(at(S::kStartGate, E::kGone), (JobStep{S::kEnded, {}}));
  EXPECT_EQ(at(S::kGate, E::kClearEnded), (JobStep{S::kGate, {}}));
  EXPECT_EQ(at(S::kCopy, E::kClearEnded), (JobStep{S::kCopy, {}}));
  EXPECT_EQ(event_name(E::kPreparedIdle), "prepared, nothing to do");
  EXPECT_EQ(event_name(E::kClearEnded), "clear, ended");
}

TEST(JobMachineTest, CopyRecordsBatchesResubmitsRetriesAndEndsWhenIdle) {
  EXPECT_EQ(at(S::kCopy, E::kBatchDone), (JobStep{S::kCopy, {A::kRecordBatch, A::kResubmitDue}}));
  EXPECT_EQ(at(S::kCopy, E::kRetryDue), (JobStep{S::kCopy, {A::kResubmitDue}}));
  EXPECT_EQ(at(S::kCopy, E::kLogAppended), (JobStep{S::kCopy, {}}));
  EXPECT_EQ(at(S::kCopy, E::kIdle),
            (JobStep{S::kEnded,
                     {A::kRemoveTemps, A::kPrune, A::kAppendFinal, A::kRememberHashes}}));
}

TEST(JobMachineTest, CancelWhileCopyingDrainsTheBatchesThenAppendsSyncCancelled) {
  EXPECT_EQ(at(S::kCopy, E::kCancel), (JobStep{S::kCancelling, {A::kCancelCopies}}));
  EXPECT_EQ(at(S::kCancelling, E::kBatchDone), (JobStep{S::kCancelling, {A::kRecordBatch}}));
  EXPECT_EQ(at(S::kCancelling, E::kRetryDue), (JobStep{S::kCancelling, {}}));
  EXPECT_EQ(at(S::kCancelling, E::kCancel), (JobStep{S::kCancelling, {}}));
  EXPECT_EQ(at(S::kCancelling, E::kIdle),
            (JobStep{S::kEnded, {A::kRemoveTemps, A::kAppendCancelled, A::kRememberHashes}}));
}

TEST(JobMachineTest, AClosedWindowPausesAndResumesACopyingJobButNotACancellingOne) {
  EXPECT_EQ(at(S::kCopy, E::kHeld), (JobStep{S::kCopy, {A::kAppendPaused}}));
  EXPECT_EQ(at(S::kCopy, E::kReleased), (JobStep{S::kCopy, {A::kAppendResumed}}));
  EXPECT_EQ(at(S::kCancelling, E::kHeld), (JobStep{S::kCancelling, {}}));
  EXPECT_EQ(at(S::kCancelling, E::kReleased), (JobStep{S::kCancelling, {}}));
  for (S s : {S::kGate, S::kPrepare, S::kStartGate, S::kEnded, S::kStopped}) {
    EXPECT_EQ(at(s, E::kHeld), (JobStep{s, {}})) << phase_name(s);
    EXPECT_EQ(at(s, E::kReleased), (JobStep{s, {}})) << phase_name(s);
  }
  EXPECT_EQ(event_name(E::kHeld), "held");
  EXPECT_EQ(event_name(E::kReleased), "released");
}

TEST(JobMachineTest, CancelBeforeCopyingEndsTheJobAtOnce) {
  for (S s : {S::kGate, S::kPrepare, S::kStartGate}) {
    EXPECT_EQ(at(s, E::kCancel), (JobStep{S::kEnded, {A::kAppendCancelled}})) << phase_name(s);
  }
}

TEST(JobMachineTest, StopAndAFailedAppendLeaveTheJobUnfinished) {
  for (E e : {E::kStop, E::kAppendFailed}) {
    for (S s : {S::kGate, S::kPrepare, S::kStartGate}) {
      EXPECT_EQ(at(s, e), (JobStep{S::kStopped, {}})) << phase_name(s) << " " << event_name(e);
    }
    for (S s : {S::kCopy, S::kCancelling}) {
      EXPECT_EQ(at(s, e), (JobStep{S::kStopped, {A::kCancelCopies}}))
          << phase_name(s) << " " << event_name(e);
    }
  }
}

TEST(JobMachineTest, AJobGoneFromTheLogEndsWithoutAnEvent) {
  EXPECT_EQ(at(S::kGate, E::kGone), (JobStep{S::kEnded, {}}));
  EXPECT_EQ(at(S::kStartGate, E::kGone), (JobStep{S::kEnded, {}}));
  EXPECT_EQ(at(S::kCopy, E::kGone), (JobStep{S::kEnded, {A::kCancelCopies}}));
}

TEST(JobMachineTest, TerminalStatesIgnoreEveryEvent) {
  for (S s : {S::kEnded, S::kStopped}) {
    EXPECT_TRUE(terminal(s));
    for (E e : {E::kBegin, E::kCancel, E::kStop, E::kBatchDone, E::kIdle, E::kAppendFailed}) {
      EXPECT_EQ(at(s, e), (JobStep{s, {}})) << phase_name(s) << " " << event_name(e);
    }
  }
  EXPECT_TRUE(copying(S::kCopy));
  EXPECT_TRUE(copying(S::kCancelling));
  EXPECT_FALSE(copying(S::kGate));
}

// The whole happy path of the done-when test, as the shell feeds it: defer, start, two
// batches, a retry, complete.
TEST(JobMachineTest, AWholeSyncWalksGatePrepareCopyEnd) {
  S s = S::kGate;
  std::vector<A> actions;
  for (E e : {E::kBegin, E::kDeferred, E::kLogAppended, E::kClear, E::kPrepared, E::kClear,
              E::kBatchDone, E::kRetryDue, E::kBatchDone, E::kIdle}) {
    JobStep next = step(s, e);
    s = next.next;
    actions.insert(actions.end(), next.actions.begin(), next.actions.end());
  }
  EXPECT_EQ(s, S::kEnded);
  EXPECT_EQ(actions, (std::vector<A>{A::kCheckGate, A::kCheckGate, A::kPrepare, A::kStartGate,
                                     A::kSubmitPlan, A::kRecordBatch, A::kResubmitDue,
                                     A::kResubmitDue, A::kRecordBatch, A::kResubmitDue,
                                     A::kRemoveTemps, A::kPrune, A::kAppendFinal,
                                     A::kRememberHashes}));
}

}  // namespace
}  // namespace distsync::testing
