// The install as an admin does it: `cmake --install build --prefix P` into a temp prefix,
// then what was installed: --version of every executable, man pages, bash completion, the
// config file (kept on reinstall), the systemd unit (systemd-analyze verify), and the
// installed distsyncd started as systemd would (NOTIFY_SOCKET): READY=1 arrives only once
// `distsync status` answers, STOPPING=1 on SIGTERM. Runs as root in CI and as any user.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "tests/install/install_test_support.h"
#include "tests/install/notify_socket.h"
#include "tests/support/temp_dir.h"

namespace distsync::testing {
namespace {

const char* const kExecutables[] = {"distsyncd", "distsync", "distsync-admin", "distsync-worker"};

TEST(ServiceInstallTest, InstallsIntoAPrefixAndRunsLikeAService) {
  TempDir tmp;
  const std::string prefix = tmp.sub("prefix");
  CommandResult installed = install_into(prefix, tmp.path());
  ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;

  // --version: the name and the project version (plus the git describe of a checkout).
  for (const char* exe : kExecutables) {
    CommandResult v = run_command(prefix + "/bin/" + exe, {"--version"}, tmp.path());
    EXPECT_EQ(v.exit_code, 0) << exe << ": " << v.err;
    EXPECT_EQ(v.out.rfind(std::string(exe) + " " + DISTSYNC_VERSION, 0), 0u) << v.out;
    EXPECT_TRUE(std::filesystem::exists(prefix + "/share/man/man1/" + exe + ".1.gz")) << exe;
    EXPECT_TRUE(std::filesystem::exists(prefix + "/share/bash-completion/completions/" + exe))
        << exe;
  }

  // `man distsync` finds the page and it documents the subcommands.
  CommandResult man = sh("MANPAGER=cat MANWIDTH=120 man -M " + sh_quote(prefix + "/share/man") +
                             " distsync",
                         tmp.path());
  EXPECT_EQ(man.exit_code, 0) << man.err;
  EXPECT_NE(man.out.find("distsync server add"), std::string::npos) << man.out;
  EXPECT_NE(man.out.find("--data-dir"), std::string::npos);

  // Bash completion from the command tree: subcommands, then a subcommand's options.
  const std::string completion = prefix + "/share/bash-completion/completions/distsync";
  CommandResult subs = sh("bash -c " + sh_quote(". " + sh_quote(completion) +
                                                "; COMP_WORDS=(distsync server ''); COMP_CWORD=2;"
                                                " _distsync; echo \"${COMPREPLY[*]}\""),
                          tmp.path());
  EXPECT_EQ(subs.exit_code, 0) << subs.err;
  EXPECT_EQ(subs.out, "add edit remove list show\n");
  CommandResult opts = sh("bash -c " + sh_quote(". " + sh_quote(completion) +
                                                "; COMP_WORDS=(distsync schedule add --se);"
                                                " COMP_CWORD=3; _distsync;"
                                                " echo \"${COMPREPLY[*]}\""),
                          tmp.path());
  EXPECT_EQ(opts.out, "--server\n") << opts.err;

  // The config file points the service at its state and runtime dirs; a reinstall keeps it.
  const std::string config = prefix + "/etc/distsync/distsync.toml";
  std::string text = read_file(config);
  EXPECT_NE(text.find("\ndata_dir = \"/var/lib/distsync\""), std::string::npos) << text;
  EXPECT_NE(text.find("\nrun_dir = \"/run/distsync\""), std::string::npos) << text;
  // The CLI reads it and looks for the service's console in /run/distsync (none runs here).
  CommandResult via_config = run_command(
      prefix + "/bin/distsync", {"--config", config, "--timeout", "1", "status"}, tmp.path());
  EXPECT_EQ(via_config.exit_code, 1) << via_config.err;
  EXPECT_NE(via_config.err.find("/run/distsync"), std::string::npos) << via_config.err;
  // Installed, the CLI finds that file by itself (daemon/cli/installed_config.h); the build
  // tree's CLI never does, so a package installed on this machine cannot steer the suite.
  CommandResult by_itself =
      run_command(prefix + "/bin/distsync", {"--timeout", "1", "status"}, tmp.path());
  EXPECT_EQ(by_itself.exit_code, 1) << by_itself.err;
  EXPECT_NE(by_itself.err.find("/run/distsync"), std::string::npos) << by_itself.err;
  CommandResult build_tree = run_command(DISTSYNC_CLI_PATH, {"--timeout", "1", "status"},
                                         tmp.path());
  EXPECT_EQ(build_tree.exit_code, 1) << build_tree.err;
  EXPECT_EQ(build_tree.err.find("/run/distsync"), std::string::npos) << build_tree.err;
  { std::ofstream(config, std::ios::app) << "# edited by the admin\n"; }
  CommandResult again = install_into(prefix, tmp.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(read_file(config).find("# edited by the admin"), std::string::npos);

  // The unit names the installed daemon and config, and systemd-analyze accepts it (it
  // checks ExecStart and the man pages of Documentation=, hence MANPATH).
  const std::string unit = prefix + "/lib/systemd/system/distsyncd.service";
  std::string unit_text = read_file(unit);
  EXPECT_NE(unit_text.find("\nExecStart=" + prefix + "/bin/distsyncd --config " + config + "\n"),
            std::string::npos)
      << unit_text;
  EXPECT_NE(unit_text.find("\nType=notify\n"), std::string::npos);
  CommandResult verify = sh("MANPATH=" + sh_quote(prefix + "/share/man:") +
                                " systemd-analyze verify " + sh_quote(unit),
                            tmp.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(verify.err.find("distsyncd.service"), std::string::npos) << verify.err;

  // The installed daemon, started as systemd starts a Type=notify service.
  const std::string data = tmp.sub("data");
  NotifySocket notify(tmp.sub("notify.sock"));
  ChildProcess daemon(prefix + "/bin/distsyncd",
                      {"--data-dir", data, "--console", "svc", "--log-level", "warn"},
                      tmp.sub("distsyncd.err"), {notify.env()});
  auto ready = notify.next_with("READY=1", 30s);
  ASSERT_TRUE(ready.has_value()) << daemon.stderr_text();
  // At the moment READY arrives the endpoint is bound and `distsync status` answers.
  EXPECT_TRUE(std::filesystem::exists(data + "/run/svc.control"));
  CommandResult status = run_command(
      prefix + "/bin/distsync", {"--data-dir", data, "--console", "svc", "--json", "status"},
      tmp.path());
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(nlohmann::json::parse(status.out).at("console_id"), "svc");
  EXPECT_NE(ready->find("STATUS=distsyncd ready console=svc"), std::string::npos) << *ready;
  // No WatchdogSec (no $WATCHDOG_USEC): nothing else is sent until the stop.
  EXPECT_FALSE(notify.pending().has_value());

  daemon.signal(SIGTERM);
  auto stopping = notify.next(20s);
  ASSERT_TRUE(stopping.has_value());
  EXPECT_TRUE(NotifySocket::has_field(*stopping, "STOPPING=1")) << *stopping;
  EXPECT_EQ(daemon.wait_exit(30s), 0) << daemon.stderr_text();
}

}  // namespace
}  // namespace distsync::testing
