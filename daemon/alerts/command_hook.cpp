// run_command_hook (alert_sinks.h): fork, exec, feed stdin, wait with a deadline.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "daemon/alerts/alert_sinks.h"

namespace distsync {
namespace {

using Clock = std::chrono::steady_clock;

std::string describe(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended with status " + std::to_string(status);
}

}  // namespace

AttemptOutcome run_command_hook(const std::vector<std::string>& argv, const std::string& body,
                                std::int64_t timeout_ms, const std::atomic<bool>* stop) {
  if (argv.empty()) return {false, "no command"};
  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return {false, std::string("pipe: ") + std::strerror(errno)};
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(in[0]);
    ::close(in[1]);
    return {false, std::string("fork: ") + std::strerror(errno)};
  }
  if (pid == 0) {  // the child: only async-signal-safe calls until exec
    ::setpgid(0, 0);
    ::dup2(in[0], 0);
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) {
      ::dup2(null, 1);
      ::dup2(null, 2);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent, so the kill below never misses the group
  ::close(in[0]);
  const int out = in[1];
  ::fcntl(out, F_SETFL, O_NONBLOCK);
  std::size_t written = 0;
  bool stdin_open = true;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  std::string failure;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (stop != nullptr && stop->load(std::memory_order_relaxed)) {
      failure = "stopped";
      break;
    }
    if (Clock::now() >= deadline) {
      failure = "timed out after " + std::to_string(timeout_ms) + " ms";
      break;
    }
    if (stdin_open && written < body.size()) {
      const ssize_t n = ::write(out, body.data() + written, body.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) stdin_open = false;  // EPIPE: not reading
    }
    if (stdin_open && written >= body.size()) {
      ::close(out);
      stdin_open = false;
    }
    pollfd p{out, POLLOUT, 0};
    (void)::poll(&p, stdin_open ? 1 : 0, 20);  // a short nap while the child runs
  }
  if (stdin_open) ::close(out);
  if (!failure.empty()) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return {false, failure};
  }
  return {WIFEXITED(status) && WEXITSTATUS(status) == 0, describe(status)};
}

}  // namespace distsync
