#include "daemon/commands/sync_commands.h"

#include "daemon/commands/server_commands.h"
#include "tests/commands/command_fixture.h"

namespace distsync {
namespace {

class SyncCommandsTest : public testing::CommandFixture {
 protected:
  void SetUp() override {
    ServerSpec s = server("a");
    ASSERT_TRUE(run([&](const ProjectedState& st, auto* out) { return decide_server_add(st, s, out); }).is_ok());
  }
  Status enqueue(const SyncRequest& r, std::string* job, bool* joined) {
    return run([&](const ProjectedState& st, auto* out) { return decide_sync_enqueue(st, r, {}, out, job, joined); });
  }
};

TEST_F(SyncCommandsTest, SecondRequestJoinsTheQueuedJob) {
  SyncRequest r;
  r.server = "a";
  r.component = "patches";
  std::string first, second;
  bool joined = true;
  ASSERT_TRUE(enqueue(r, &first, &joined).is_ok());
  EXPECT_FALSE(joined);
  ASSERT_TRUE(enqueue(r, &second, &joined).is_ok());
  EXPECT_TRUE(joined);
  EXPECT_EQ(first, second);
  r.component = "core";
  ASSERT_TRUE(enqueue(r, &second, &joined).is_ok());
  EXPECT_NE(first, second);
}

TEST_F(SyncCommandsTest, UnknownServerAndComponentAreRefused) {
  SyncRequest r;
  r.server = "zz";
  std::string job;
  bool joined;
  EXPECT_EQ(enqueue(r, &job, &joined).code(), Status::Code::kNotFound);
  r.server = "a";
  r.component = "bogus";
  EXPECT_EQ(enqueue(r, &job, &joined).code(), Status::Code::kInvalidArgument);
}

TEST_F(SyncCommandsTest, OneDownloadOfAKindAtATime) {
  DownloadRequest d{"patches", "http://127.0.0.1:1/", {}, "manual", ""};
  std::string id;
  ASSERT_TRUE(run([&](const ProjectedState& st, auto* out) { return decide_download_start(st, d, out, &id); }).is_ok());
  Status s = run([&](const ProjectedState& st, auto* out) { return decide_download_start(st, d, out, &id); });
  EXPECT_EQ(s.code(), Status::Code::kConflict);
  d.kind = "refresh";
  EXPECT_TRUE(run([&](const ProjectedState& st, auto* out) { return decide_download_start(st, d, out, &id); }).is_ok());
}

}  // namespace
}  // namespace distsync
