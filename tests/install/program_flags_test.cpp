// The command-line surface every executable shares (daemon/cli/): --version, the man page
// and the bash completion generated from a CLI11 tree, and the journald check of log_setup.
#include <gtest/gtest.h>

#include <sstream>

#include "daemon/cli/bash_completion.h"
#include "daemon/cli/build_version.h"
#include "daemon/cli/man_page.h"
#include "daemon/cli/program_flags.h"
#include "daemon/log_setup.h"

namespace distsync {
namespace {

// A small tree shaped like distsync's: a global option, a group with two subcommands, a
// positional, a flag, and hidden things that must stay out of the generated files.
struct SampleApp {
  CLI::App app{"sample: manages sample servers"};
  std::string config, server, description;
  bool json = false;
  SampleApp() {
    app.add_option("--config", config, "TOML config file");
    CLI::App* group = app.add_subcommand("server", "register and list servers");
    CLI::App* add = group->add_subcommand("add", "register a server");
    add->add_option("name", server, "the server's name");
    add->add_option("-d,--description", description, "what it is for");
    add->add_flag("--json", json, "print JSON");
    group->add_subcommand("list", "list servers");
    app.add_subcommand("secret", "a hidden command")->group("");
    app.add_flag("--internal", json, "hidden flag")->group("");
    add_program_flags(app, "sample");
  }
};

TEST(BuildVersionTest, StartsWithTheProjectVersion) {
  EXPECT_EQ(build_version().rfind(std::string(project_version()), 0), 0u);
  if (!git_describe().empty()) {
    EXPECT_EQ(build_version(),
              std::string(project_version()) + " (git " + std::string(git_describe()) + ")");
  }
}

TEST(RoffEscapeTest, NeutralizesRequestsBackslashesAndHyphens) {
  EXPECT_EQ(roff_escape(".TH evil"), "\\&.TH evil");
  EXPECT_EQ(roff_escape("'x"), "\\&'x");
  EXPECT_EQ(roff_escape("a\n.b"), "a\n\\&.b");
  EXPECT_EQ(roff_escape("C:\\dir --flag"), "C:\\edir \\-\\-flag");
  EXPECT_EQ(roff_escape("mid.dle"), "mid.dle");
}

TEST(ManPageTest, DocumentsEveryVisibleCommandAndOption) {
  SampleApp s;
  std::ostringstream out;
  write_man_page(s.app, "sample", "9.9.9", out);
  std::string page = out.str();
  EXPECT_NE(page.find(".TH \"SAMPLE\" \"1\" \"\" \"distsync 9.9.9\""), std::string::npos) << page;
  EXPECT_NE(page.find(".SH NAME\nsample \\- manages sample servers\n"), std::string::npos);
  EXPECT_NE(page.find(".SS \"sample server add\"\nregister a server\n"), std::string::npos);
  EXPECT_NE(page.find(".SS \"sample server list\""), std::string::npos);
  EXPECT_NE(page.find("\\fB\\-d\\fR, \\fB\\-\\-description\\fR \\fITEXT\\fR\nwhat it is for"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("\\fINAME\\fR\nthe server's name"), std::string::npos) << page;
  EXPECT_NE(page.find("\\fB\\-\\-version\\fR"), std::string::npos);
  EXPECT_EQ(page.find("secret"), std::string::npos);
  EXPECT_EQ(page.find("internal"), std::string::npos);
  EXPECT_EQ(page.find("man\\-page"), std::string::npos);
  // No body line may start a roff request it did not mean to.
  std::istringstream lines(page);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '.') continue;
    EXPECT_TRUE(line.rfind(".TH ", 0) == 0 || line.rfind(".SH ", 0) == 0 ||
                line.rfind(".SS ", 0) == 0 || line == ".TP" || line == ".PP" ||
                line.rfind(".B ", 0) == 0 || line.rfind(".BR ", 0) == 0 ||
                line.rfind(".I ", 0) == 0 || line.rfind(".\\\" ", 0) == 0)
        << line;
  }
}

TEST(BashCompletionTest, OneArmPerCommandWithItsOptions) {
  SampleApp s;
  std::ostringstream out;
  write_bash_completion(s.app, "sample-tool", out);
  std::string script = out.str();
  EXPECT_NE(script.find("\"\") subs=\"server\"; opts=\"-h --help --config --version\""),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("\"/server/add\") subs=\"\"; opts=\"-h --help -d --description --json\";"
                        " valued=\"-d --description\" ;;"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("complete -F _sample_tool sample-tool\n"), std::string::npos);
  EXPECT_EQ(script.find("secret"), std::string::npos);
  EXPECT_EQ(script.find("--internal"), std::string::npos);
}

TEST(ProgramFlagsTest, VersionAndGeneratorsExitZeroAndBadFlagsExitTwo) {
  for (const char* flag : {"--version", "--man-page", "--bash-completion"}) {
    SampleApp s;
    const char* argv[] = {"sample", flag};
    testing::internal::CaptureStdout();
    int code = -1;
    try {
      s.app.parse(2, const_cast<char**>(argv));
    } catch (const CLI::ParseError& e) {
      code = exit_for_parse_error(s.app, e, "sample");
    }
    std::string printed = testing::internal::GetCapturedStdout();
    EXPECT_EQ(code, 0) << flag;
    EXPECT_FALSE(printed.empty()) << flag;
  }
  SampleApp s;
  const char* argv[] = {"sample", "--no-such-flag"};
  testing::internal::CaptureStderr();
  int code = -1;
  try {
    s.app.parse(2, const_cast<char**>(argv));
  } catch (const CLI::ParseError& e) {
    code = exit_for_parse_error(s.app, e, "sample");
  }
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(code, 2);
  EXPECT_EQ(err.rfind("sample: ", 0), 0u) << err;
  EXPECT_NE(err.find("see --help"), std::string::npos) << err;
}

TEST(JournalStreamTest, MatchesOnlyOurDeviceAndInode) {
  EXPECT_TRUE(is_journal_stream("8:12345", 8, 12345));
  EXPECT_FALSE(is_journal_stream("8:12346", 8, 12345));
  EXPECT_FALSE(is_journal_stream("9:12345", 8, 12345));
  EXPECT_FALSE(is_journal_stream("", 8, 12345));
  EXPECT_FALSE(is_journal_stream("8", 8, 12345));
  EXPECT_FALSE(is_journal_stream("8:", 8, 12345));
  EXPECT_FALSE(is_journal_stream("8:12345x", 8, 12345));
  EXPECT_FALSE(is_journal_stream("-8:12345", 8, 12345));
}

}  // namespace
}  // namespace distsync
