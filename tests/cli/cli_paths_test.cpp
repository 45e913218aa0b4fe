// Paths and secrets at the public surface: what an operator types into `distsync server`
// and `distsync download source` against a real distsyncd, and what the terminal, the log,
// the export and the daemon's stderr then hold.
#include <gtest/gtest.h>

#include "events/log/lmdb_event_log.h"
#include "projections/projection_set.h"
#include "tests/cli/cli_fixture.h"

namespace distsync::testing {
namespace {

bool has_raw_control(const std::string& s) {
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n') || c == 0x7f) return true;
  }
  return s.find("\xc2\x9b") != std::string::npos;
}

class CliPathsTest : public CliFixture {};

TEST_F(CliPathsTest, DotDotDoesNotDefeatOneServerPerFolder) {
  ASSERT_EQ(cli({"server", "add", "s1", "--path", dir_.sub("a/d6")}).exit_code, 0);
  CommandResult dotdot = cli({"server", "add", "s2", "--path", dir_.sub("a/zz/../d6")});
  EXPECT_EQ(dotdot.exit_code, 1);
  EXPECT_TRUE(one_line_error(dotdot)) << dotdot.err;
  EXPECT_NE(dotdot.err.find("'..' component"), std::string::npos) << dotdot.err;
  CommandResult spelled = cli({"server", "add", "s3", "--path", dir_.sub("a//d6/")});
  EXPECT_EQ(spelled.exit_code, 1);
  EXPECT_NE(spelled.err.find("server 's1' already uses path"), std::string::npos) << spelled.err;
  CommandResult nested = cli({"server", "add", "s4", "--path", dir_.sub("a/d6/inner")});
  EXPECT_EQ(nested.exit_code, 1);
  EXPECT_NE(nested.err.find("overlaps server 's1'"), std::string::npos) << nested.err;
  nlohmann::json list = cli_json({"server", "list"});
  ASSERT_EQ(list["servers"].size(), 1u) << list.dump();
}

TEST_F(CliPathsTest, EscapeCharactersAreRefusedAndNeverEchoedRaw) {
  for (std::string path : {dir_.sub("x\x1b[2Jy"), dir_.sub("new\nline"), dir_.sub("c1\xc2\x9bz")}) {
    CommandResult r = cli({"server", "add", "esc", "--path", path});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(one_line_error(r)) << r.err;
    EXPECT_FALSE(has_raw_control(r.err)) << r.err;
    EXPECT_NE(r.err.find("control character"), std::string::npos) << r.err;
  }
  CommandResult desc =
      cli({"server", "add", "d", "--path", dir_.sub("d"), "--description", std::string(2000, 'x')});
  EXPECT_EQ(desc.exit_code, 1);
  EXPECT_NE(desc.err.find("the limit is 1024"), std::string::npos) << desc.err;
  nlohmann::json list = cli_json({"server", "list"});
  EXPECT_TRUE(list["servers"].empty()) << list.dump();
}

TEST_F(CliPathsTest, SecretsReachNeitherTheLogNorTheDaemonLogNorTheTerminal) {
  const std::vector<std::vector<std::string>> attempts = {
      {"download", "source", "patches", "https://updates.example.com/p?token=S3CRET-1"},
      {"download", "source", "refresh", "https://admin:S3CRET-2@updates.example.com/d"},
      {"download", "source", "patches", "https://updates.example.com/p#S3CRET-3"},
      {"download", "source", "patches", "file:///srv/p?S3CRET-4"},
      {"server", "add", "s", "--path", dir_.sub("s"), "--credential", "S3CRET-5"},
      {"server", "add", "s", "--path", dir_.sub("s"), "--credential", "S3CRET-6", "--json"},
  };
  for (const auto& args : attempts) {
    CommandResult r = cli(args);
    EXPECT_EQ(r.exit_code, 1) << args[3];
    EXPECT_EQ(r.out.find("S3CRET"), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find("S3CRET"), std::string::npos) << r.err;
    EXPECT_FALSE(r.err.empty() && r.out.empty()) << "a refusal says why";
  }
  CommandResult cred = cli(attempts[4]);
  EXPECT_NE(cred.err.find("--credential names no stored credential"), std::string::npos)
      << cred.err;
  CommandResult query = cli(attempts[0]);
  EXPECT_NE(query.err.find("may not carry a query string"), std::string::npos) << query.err;

  ASSERT_EQ(cli({"server", "add", "s", "--path", dir_.sub("s")}).exit_code, 0);
  CommandResult exported = cli({"export"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find("ServerAdded"), std::string::npos) << "the export has the log";
  EXPECT_EQ(exported.out.find("S3CRET"), std::string::npos);
  EXPECT_EQ(daemon_->process().stderr_text().find("S3CRET"), std::string::npos);
}

// A log written before paths were validated: `server list` escapes what it holds.
class CliLegacyPathsTest : public CliFixture {
 protected:
  void SetUp() override {
    ProjectionSet projections;
    LmdbLogOptions o;
    o.dir = dir_.sub("data") + "/log";
    o.console = "old";
    o.folder = &projections;
    auto log = LmdbEventLog::open(o);
    ASSERT_TRUE(log.ok()) << log.status().to_string();
    ServerSpec spec;
    spec.name = "legacy";
    spec.root_path = "/srv/\x1b]0;owned\x07\x1b[2Jold\nline\xc2\x9b";
    auto r = (*log)->execute([&](std::uint64_t, std::vector<EventDraft>* out) {
      out->push_back({"", ServerAdded{spec}});
      return Status::ok();
    });
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    log->reset();
    CliFixture::SetUp();
  }
};

TEST_F(CliLegacyPathsTest, ServerListNeverPrintsRawControlCharacters) {
  CommandResult r = cli({"server", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("legacy"), std::string::npos) << r.out;
  EXPECT_FALSE(has_raw_control(r.out)) << r.out;
  EXPECT_NE(r.out.find("/srv/\\x1b]0;owned\\x07\\x1b[2Jold\\x0aline\\xc2\\x9b"), std::string::npos)
      << r.out;
  CommandResult j = cli({"server", "list", "--json"});
  ASSERT_EQ(j.exit_code, 0);
  EXPECT_FALSE(has_raw_control(j.out)) << "JSON escapes them itself";
}

}  // namespace
}  // namespace distsync::testing
