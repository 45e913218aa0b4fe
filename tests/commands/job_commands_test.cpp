#include "daemon/commands/job_commands.h"

#include "tests/commands/command_fixture.h"

namespace distsync {
namespace {

class JobCommandsTest : public testing::CommandFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(log_.append({{"", ServerAdded{server("a")}}}).ok());
    ASSERT_TRUE(log_.append({{"job-1", SyncQueued{"a", "patches", "cli", "", false, false}}}).ok());
  }
  JobGate gate(std::optional<JobStart> start = std::nullopt) {
    JobGate g = JobGate::kGone;
    EXPECT_TRUE(run([&](const ProjectedState& s, auto* out) {
                  return decide_job_gate(s, "job-1", start, out, &g);
                }).is_ok());
    return g;
  }
  std::size_t count(std::string_view type) {
    auto events = log_.read(1, log_.last_seq(), 1000);
    std::size_t n = 0;
    for (const auto& e : *events) n += e.type() == type;
    return n;
  }
};

TEST_F(JobCommandsTest, ARunningDownloadDefersTheJobOncePerDownloadAndBlocksTheStart) {
  ASSERT_TRUE(log_.append({{"dl-1", DownloadStarted{"patches", "dir", {}, "manual", ""}}}).ok());
  EXPECT_EQ(gate(), JobGate::kDeferred);
  EXPECT_EQ(gate(JobStart{1, 2, 3, std::nullopt}), JobGate::kDeferred);
  EXPECT_EQ(count("SyncDeferred"), 1u);
  EXPECT_EQ(count("SyncStarted"), 0u);
  ASSERT_TRUE(log_.append({{"dl-1", DownloadCompleted{1, 1, 0, 7}}}).ok());
  EXPECT_EQ(gate(), JobGate::kClear);
  EXPECT_EQ(count("SyncStarted"), 0u) << "no start without the plan's figures";
  EXPECT_EQ(gate(JobStart{1, 2, 3, std::nullopt}), JobGate::kClear);
  auto started = log_.read(log_.last_seq(), log_.last_seq(), 1);
  const auto* s = (*started)[0].as<SyncStarted>();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->files_total, 1u);
  EXPECT_EQ(s->attempt, 1u);
}

TEST_F(JobCommandsTest, AStartWithItsCompletionAppendsBothInOneCommandOrNeitherWhileDeferred) {
  const SyncCompleted done{0, 0, 3, 1, 0};
  ASSERT_TRUE(log_.append({{"dl-1", DownloadStarted{"patches", "dir", {}, "manual", ""}}}).ok());
  EXPECT_EQ(gate(JobStart{0, 0, 3, done}), JobGate::kDeferred);
  EXPECT_EQ(count("SyncStarted") + count("SyncCompleted"), 0u);
  ASSERT_TRUE(log_.append({{"dl-1", DownloadCompleted{1, 1, 0, 7}}}).ok());
  const std::uint64_t before = log_.last_seq();
  EXPECT_EQ(gate(JobStart{0, 0, 3, done}), JobGate::kClear);
  ASSERT_EQ(log_.last_seq(), before + 2);
  auto appended = log_.read(before + 1, before + 2, 2);
  ASSERT_EQ(appended->size(), 2u);
  const auto* s = (*appended)[0].as<SyncStarted>();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->files_up_to_date, 3u);
  ASSERT_NE((*appended)[1].as<SyncCompleted>(), nullptr);
  EXPECT_EQ(*(*appended)[1].as<SyncCompleted>(), done);
  EXPECT_EQ(gate(JobStart{0, 0, 3, done}), JobGate::kGone) << "finished: no second final event";
  EXPECT_EQ(log_.last_seq(), before + 2);
}

TEST_F(JobCommandsTest, RecordCopiedSkipsWhatTheJobAlreadyRecordedAndDuplicatesInOneBatch) {
  std::vector<FileCopied> landed = {{"Patches/a", 5, 1, "aa", false},
                                    {"Patches/b", 7, 1, "bb", false},
                                    {"Patches/a", 5, 1, "aa", false}};
  std::uint64_t n = 0, b = 0;
  ASSERT_TRUE(run([&](const ProjectedState& s, auto* out) {
                return decide_record_copied(s, "job-1", landed, out, &n, &b);
              }).is_ok());
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(b, 12u);
  ASSERT_TRUE(run([&](const ProjectedState& s, auto* out) {
                return decide_record_copied(s, "job-1", landed, out, &n, &b);
              }).is_ok());
  EXPECT_EQ(n, 0u) << "a re-dispatched batch records nothing twice";
  EXPECT_EQ(count("FileCopied"), 2u);
}

TEST_F(JobCommandsTest, AFinishedJobGetsNoSecondFinalEvent) {
  bool appended = false;
  ASSERT_TRUE(run([&](const ProjectedState& s, auto* out) {
                return decide_job_event(s, "job-1", SyncCompleted{}, out, &appended);
              }).is_ok());
  EXPECT_TRUE(appended);
  ASSERT_TRUE(run([&](const ProjectedState& s, auto* out) {
                return decide_job_event(s, "job-1", SyncFailed{"late", 0, 0}, out, &appended);
              }).is_ok());
  EXPECT_FALSE(appended);
  EXPECT_EQ(gate(JobStart{}), JobGate::kGone);
  EXPECT_EQ(count("SyncFailed"), 0u);
}

TEST_F(JobCommandsTest, CancelRefusesAnUnknownJobAndAnotherConsolesJob) {
  Status unknown = run([&](const ProjectedState& s, auto* out) {
    return decide_job_cancel(s, "job-9", "c1", "", out);
  });
  EXPECT_EQ(unknown.code(), Status::Code::kNotFound);
  Status foreign = run([&](const ProjectedState& s, auto* out) {
    return decide_job_cancel(s, "job-1", "other", "", out);
  });
  EXPECT_EQ(foreign.code(), Status::Code::kConflict);
  EXPECT_TRUE(run([&](const ProjectedState& s, auto* out) {
                return decide_job_cancel(s, "job-1", "c1", "operator", out);
              }).is_ok());
  EXPECT_EQ(count("SyncCancelled"), 1u);
}

}  // namespace
}  // namespace distsync
