// Test harness for the public surface: runs the real distsyncd / distsync binaries as child
// processes in a temp dir.
//
// ChildProcess spawns a binary with a stdout pipe (read line by line against a deadline) and
// stderr captured to a file; it can signal the child and wait for its exit with a deadline
// (polling a pidfd, no fixed sleeps). The destructor always SIGKILLs and reaps a child that
// is still running. DaemonHarness starts distsyncd with --data-dir and --console and waits
// for its ready line. Binary paths come from compile definitions set by
// tests/integration/CMakeLists.txt (DISTSYNCD_PATH, DISTSYNC_CLI_PATH, DISTSYNC_ADMIN_PATH).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_user.h"

namespace distsync::testing {

using namespace std::chrono_literals;

class ChildProcess {
 public:
  ChildProcess(const std::string& path, const std::vector<std::string>& args,
               const std::string& stderr_path, const std::vector<std::string>& env = {})
      : stderr_path_(stderr_path) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) std::abort();
    pid_ = fork();
    if (pid_ < 0) std::abort();
    if (pid_ == 0) {
      dup2(out[1], 1);
      int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (err >= 0) dup2(err, 2);
      for (const auto& kv : env) putenv(const_cast<char*>(kv.c_str()));
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(path.c_str()));
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(path.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_fd_ = out[0];
    pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  }

  ~ChildProcess() {
    if (!exited_) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (pidfd_ >= 0) close(pidfd_);
    close(stdout_fd_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig) { kill(pid_, sig); }

  // The next line of stdout (without '\n'), or nullopt at EOF or when the deadline passes.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p = {stdout_fd_, POLLIN, 0};
      int rc = poll(&p, 1, static_cast<int>(left.count()));
      if (rc <= 0) continue;
      char buf[4096];
      ssize_t n = read(stdout_fd_, buf, sizeof buf);
      if (n <= 0) return std::nullopt;
      buffer_.append(buf, static_cast<std::size_t>(n));
    }
  }

  // Everything left on stdout until EOF (or the deadline).
  std::string read_rest(std::chrono::milliseconds timeout = 10s) {
    std::string all;
    while (auto line = read_line(timeout)) all += *line + "\n";
    all += buffer_;
    buffer_.clear();
    return all;
  }

  // The exit code (128 + signal for a signalled child), or nullopt if still running at the
  // deadline.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout = 10s) {
    if (exited_) return exit_code_;
    pollfd p = {pidfd_, POLLIN, 0};
    if (pidfd_ >= 0 && poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    int status = 0;
    if (waitpid(pid_, &status, pidfd_ >= 0 ? 0 : WNOHANG) != pid_) return std::nullopt;
    exited_ = true;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }

  std::string stderr_text() const {
    std::ifstream in(stderr_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int pidfd_ = -1;
  std::string stderr_path_;
  std::string buffer_;
  bool exited_ = false;
  int exit_code_ = -1;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a binary to completion (killed after `timeout`).
inline CommandResult run_command(const std::string& path, const std::vector<std::string>& args,
                                 const std::string& scratch_dir,
                                 std::chrono::milliseconds timeout = 20s) {
  static int counter = 0;
  ChildProcess p(path, args, scratch_dir + "/cmd-" + std::to_string(++counter) + ".err");
  CommandResult r;
  r.out = p.read_rest(timeout);
  auto code = p.wait_exit(timeout);
  r.exit_code = code ? *code : -1;
  r.err = p.stderr_text();
  return r;
}

class DaemonHarness {
 public:
  // Starts distsyncd on `data_dir` as `console` and waits for its ready line. With
  // `as_test_user`, as the unprivileged test user when root (tests/support/test_user.h).
  DaemonHarness(const std::string& data_dir, const std::string& console,
                const std::vector<std::string>& extra_args = {}, bool as_test_user = false)
      : data_dir_(data_dir), console_(console) {
    std::vector<std::string> args = {"--data-dir", data_dir,      "--console",
                                     console,      "--log-level", "warn"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    static int counter = 0;
    stderr_path_ = data_dir + ".distsyncd-" + console + "-" + std::to_string(++counter) + ".err";
    auto [program, argv] =
        as_test_user ? as_test_user_command(daemon_path(), args) : std::pair{daemon_path(), args};
    process_ = std::make_unique<ChildProcess>(program, argv, stderr_path_);
    if (auto line = process_->read_line(20s)) ready_line_ = *line;
  }

  static std::string daemon_path() { return DISTSYNCD_PATH; }
  static std::string cli_path() { return DISTSYNC_CLI_PATH; }

  bool ready() const { return ready_line_.rfind("distsyncd ready ", 0) == 0; }
  const std::string& ready_line() const { return ready_line_; }
  ChildProcess& process() { return *process_; }
  std::string control_endpoint() const {
    return "ipc://" + data_dir_ + "/run/" + console_ + ".control";
  }
  std::string bus_endpoint() const { return "ipc://" + data_dir_ + "/run/" + console_ + ".bus"; }

  // SIGTERM, then the exit code (nullopt if it did not exit in time).
  std::optional<int> terminate(std::chrono::milliseconds timeout = 20s) {
    process_->signal(SIGTERM);
    return process_->wait_exit(timeout);
  }

 private:
  std::string data_dir_;
  std::string console_;
  std::string stderr_path_;
  std::string ready_line_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace distsync::testing
