#include "daemon/commands/server_commands.h"

#include "daemon/commands/schedule_commands.h"
#include "daemon/content/normal_path.h"
#include "tests/commands/command_fixture.h"

namespace distsync {
namespace {

class ServerCommandsTest : public testing::CommandFixture {
 protected:
  Status add(const ServerSpec& spec) {
    return run([&](const ProjectedState& s, auto* out) { return decide_server_add(s, spec, out); });
  }
};

TEST_F(ServerCommandsTest, AddValidatesNameAndPath) {
  EXPECT_TRUE(add(server("dist-01")).is_ok());
  ServerSpec relative = server("x");
  relative.root_path = "srv/x";
  Status s = add(relative);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("not absolute"), std::string::npos);
  ServerSpec bad = server("a b");
  EXPECT_EQ(add(bad).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(log_.last_seq(), 1u) << "refusals append nothing";
}

TEST_F(ServerCommandsTest, PathWithCredentialsIsRefusedSoNoSecretReachesTheLog) {
  ServerSpec s = server("a");
  s.root_path = "//admin:Secr3t@fileserver/share";
  Status st = add(s);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.message().find("Secr3t"), std::string::npos) << "the refusal must not echo it";
  EXPECT_EQ(log_.last_seq(), 0u);
}

TEST_F(ServerCommandsTest, NoDuplicateNameOrPath) {
  ASSERT_TRUE(add(server("a")).is_ok());
  EXPECT_EQ(add(server("a")).code(), Status::Code::kConflict);
  ServerSpec same_path = server("b");
  same_path.root_path = "/srv/a/";
  Status s = add(same_path);
  EXPECT_EQ(s.code(), Status::Code::kConflict);
  EXPECT_NE(s.message().find("server 'a' already uses path"), std::string::npos) << s.message();
}

TEST_F(ServerCommandsTest, RemoveWithSchedulesNeedsForceAndNamesThem) {
  ASSERT_TRUE(add(server("a")).is_ok());
  ScheduleSpec spec;
  spec.id = "sch-1";
  spec.server = "a";
  spec.component = "patches";
  spec.recurrence.frequency = Frequency::kDaily;
  spec.recurrence.start_date = "2026-06-01";
  spec.recurrence.time_zone = "UTC";
  ASSERT_TRUE(run([&](const ProjectedState& s, auto* out) {
                return decide_schedule_add(s, "c1", spec, now_us_, out);
              }).is_ok());
  Status s = run([&](const ProjectedState& st, auto* out) { return decide_server_remove(st, "a", false, out); });
  EXPECT_EQ(s.code(), Status::Code::kConflict);
  EXPECT_NE(s.message().find("sch-1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("--force"), std::string::npos);
  ASSERT_TRUE(run([&](const ProjectedState& st, auto* out) { return decide_server_remove(st, "a", true, out); }).is_ok());
  EXPECT_EQ(state([](const ProjectedState& st) { return st.schedules.find("sch-1"); }), nullptr);
  EXPECT_EQ(state([](const ProjectedState& st) { return st.servers.find("a"); }), nullptr);
}

TEST_F(ServerCommandsTest, EditRenamesAndRefusesUnknown) {
  ASSERT_TRUE(add(server("a")).is_ok());
  ServerSpec renamed = server("b");
  ASSERT_TRUE(run([&](const ProjectedState& s, auto* out) { return decide_server_edit(s, "a", renamed, out); }).is_ok());
  EXPECT_NE(state([](const ProjectedState& st) { return st.servers.find("b"); }), nullptr);
  EXPECT_EQ(run([&](const ProjectedState& s, auto* out) { return decide_server_edit(s, "zz", renamed, out); }).code(),
            Status::Code::kNotFound);
}

TEST_F(ServerCommandsTest, PathsAreNormalPathsAndEachDefectIsRefusedByName) {
  struct Case {
    std::string path;
    std::string cause;
  };
  const Case cases[] = {
      {"/srv/a/zz/../d6", "'..' component"},
      {std::string("/srv/nul\0x", 10), "control character 0x00"},
      {"/srv/new\nline", "control character 0x0a"},
      {"/srv/\x1b[2Jclear", "control character 0x1b"},
      {"/srv/csi\xc2\x9b" "2J", "control character U+009B"},
      {"/srv/" + std::string(256, 'n'), "component of 256 bytes"},
      {"/" + std::string(5000, 'p'), "the limit is 4096"},
  };
  for (const Case& c : cases) {
    ServerSpec spec = server("x");
    spec.root_path = c.path;
    Status st = add(spec);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << c.cause;
    EXPECT_NE(st.message().find(c.cause), std::string::npos) << st.message();
    EXPECT_EQ(text_defect(st.message()), "") << "one printable line";
  }
  ServerSpec sub = server("y");
  sub.component_dirs["patches"] = "../../etc";
  EXPECT_NE(add(sub).message().find("'..' component"), std::string::npos) << add(sub).message();
  EXPECT_EQ(log_.last_seq(), 0u) << "refusals append nothing";
}

TEST_F(ServerCommandsTest, WhatIsRecordedIsNormalized) {
  ServerSpec spec = server("a");
  spec.root_path = "//srv//a/./";
  spec.component_dirs["core"] = "./Data//Files/";
  ASSERT_TRUE(add(spec).is_ok());
  const ServerRecord* rec = state([](const ProjectedState& st) { return st.servers.find("a"); });
  ASSERT_NE(rec, nullptr);
  EXPECT_EQ(rec->spec.root_path, "/srv/a");
  EXPECT_EQ(rec->spec.component_dirs.at("core"), "Data/Files");
}

TEST_F(ServerCommandsTest, OneServerPerFolderComparesNormalPathsAndRefusesNesting) {
  ServerSpec a = server("a");
  a.root_path = "/srv/a/d6";
  ASSERT_TRUE(add(a).is_ok());
  for (const char* same : {"/srv/a//d6", "/srv/a/./d6/", "/srv/a/d6/."}) {
    ServerSpec b = server("b");
    b.root_path = same;
    Status st = add(b);
    EXPECT_EQ(st.code(), Status::Code::kConflict) << same;
    EXPECT_NE(st.message().find("server 'a' already uses path /srv/a/d6"), std::string::npos)
        << st.message();
  }
  for (const char* nested : {"/srv/a/d6/inner", "/srv/a", "/"}) {
    ServerSpec b = server("b");
    b.root_path = nested;
    Status st = add(b);
    EXPECT_EQ(st.code(), Status::Code::kConflict) << nested;
    EXPECT_NE(st.message().find("overlaps server 'a'"), std::string::npos) << st.message();
  }
  ServerSpec sibling = server("b");
  sibling.root_path = "/srv/a/d66";
  EXPECT_TRUE(add(sibling).is_ok()) << "a name prefix is not nesting";
  // Editing a server to its own path (spelled differently) is no conflict with itself.
  ServerSpec edited = a;
  edited.root_path = "/srv/a/d6/";
  edited.description = "same folder";
  EXPECT_TRUE(run([&](const ProjectedState& st, auto* out) {
                return decide_server_edit(st, "a", edited, out);
              }).is_ok());
}

TEST_F(ServerCommandsTest, DescriptionsAreBoundedPlainText) {
  ServerSpec big = server("a");
  big.description = std::string(1 << 20, 'd');
  Status st = add(big);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("the limit is 1024"), std::string::npos) << st.message();
  EXPECT_LT(st.message().size(), 200u);
  ServerSpec escape = server("a");
  escape.description = "ok\x1b]0;owned\x07";
  EXPECT_NE(add(escape).message().find("control character 0x1b"), std::string::npos);
  ServerSpec fine = server("a");
  fine.description = std::string(1024, 'd');
  EXPECT_TRUE(add(fine).is_ok());
}

TEST_F(ServerCommandsTest, ACredentialOutsideTheNameGrammarIsRefusedAndNeverEchoed) {
  ServerSpec spec = server("a");
  spec.credential_ref = "hunter2-P@ssw0rd";
  Status st = add(spec);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("must name a stored credential"), std::string::npos)
      << st.message();
  EXPECT_EQ(st.message().find("hunter2"), std::string::npos) << st.message();
  EXPECT_EQ(log_.last_seq(), 0u);
}

TEST_F(ServerCommandsTest, ACredentialNameRecordedEarlierSurvivesEditsAndCanBeCleared) {
  ServerSpec legacy = server("a");
  legacy.credential_ref = "vault-a";
  // Appended as an older daemon did, past today's decision.
  ASSERT_TRUE(run([&](const ProjectedState&, auto* out) {
                out->push_back({"", ServerAdded{legacy}});
                return Status::ok();
              }).is_ok());
  ServerSpec edit = legacy;
  edit.description = "moved";
  EXPECT_TRUE(run([&](const ProjectedState& st, auto* out) {
                return decide_server_edit(st, "a", edit, out);
              }).is_ok());
  // A name in the grammar passes the command; that it is stored is the handler's check.
  edit.credential_ref = "another";
  EXPECT_TRUE(run([&](const ProjectedState& st, auto* out) {
                return decide_server_edit(st, "a", edit, out);
              }).is_ok());
  edit.credential_ref = "not a name";
  EXPECT_EQ(run([&](const ProjectedState& st, auto* out) {
              return decide_server_edit(st, "a", edit, out);
            }).code(),
            Status::Code::kInvalidArgument);
  edit.credential_ref = "";
  EXPECT_TRUE(run([&](const ProjectedState& st, auto* out) {
                return decide_server_edit(st, "a", edit, out);
              }).is_ok());
}

}  // namespace
}  // namespace distsync
