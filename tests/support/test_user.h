// TestUser: the unprivileged account a permission test runs as when the suite runs as root.
//
// Root passes every permission bit, so "the daemon's account cannot write there" (R7) can only
// be tested after giving root up. CI runs as root; scripts/setup.sh then creates the system user
// `distsync-test`, and without it the tests use nobody (65534). A developer's suite does not run
// as root, and then every helper here does nothing and runs the test as is.
//
//   give_to_test_user(dir.path());                       // chown -R, so it can work there
//   auto out = run_as_test_user([&] { return op(); });   // in a forked child, as the user
//   ChildProcess(as_test_user_command(binary, args)...)  // a real binary, via setpriv
//
// run_as_test_user() forks: call it before the test starts threads, and let `fn` start its own.
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace distsync::testing {

struct TestUser {
  uid_t uid;
  gid_t gid;
};

inline constexpr char kTestUserName[] = "distsync-test";

// The account to drop to, or nullopt when this process is not root (nothing to drop).
inline std::optional<TestUser> test_user() {
  if (::geteuid() != 0) return std::nullopt;
  if (const passwd* pw = ::getpwnam(kTestUserName)) return TestUser{pw->pw_uid, pw->pw_gid};
  return TestUser{65534, 65534};  // nobody:nogroup
}

// The uid a dropped test runs as (this process's when not root).
inline uid_t test_uid() {
  auto u = test_user();
  return u ? u->uid : ::geteuid();
}

// Makes `path` and everything under it the test user's (nothing when not root).
inline void give_to_test_user(const std::string& path) {
  auto u = test_user();
  if (!u) return;
  namespace fs = std::filesystem;
  auto own = [&](const fs::path& p) {
    if (::lchown(p.c_str(), u->uid, u->gid) != 0) ADD_FAILURE() << "cannot chown " << p;
  };
  own(path);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    own(it->path());
  }
}

// Runs fn as the test user in a forked child and returns what it returned; nullopt when the
// child could not drop privileges, crashed, or recorded a gtest failure (printed on stderr).
// When not root, runs fn here.
inline std::optional<std::string> run_as_test_user(const std::function<std::string()>& fn) {
  auto u = test_user();
  if (!u) {
    std::string out = fn();
    if (::testing::Test::HasFailure()) return std::nullopt;
    return out;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return std::nullopt;
  const pid_t pid = ::fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    ::close(fds[0]);
    // Groups first, then gid, then uid: after setuid the others are no longer allowed.
    if (::setgroups(0, nullptr) != 0 || ::setgid(u->gid) != 0 || ::setuid(u->uid) != 0) {
      ::_exit(3);
    }
    const std::string out = fn();
    for (std::size_t done = 0; done < out.size();) {
      ssize_t n = ::write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0) ::_exit(4);
      done += static_cast<std::size_t>(n);
    }
    ::_exit(::testing::Test::HasFailure() ? 1 : 0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ADD_FAILURE() << "the test user's child failed (status " << status << ")";
    return std::nullopt;
  }
  return out;
}

// `program args...` as a command that runs it as the test user: setpriv in front when root,
// the command itself otherwise. Returns {path, args} for ChildProcess.
inline std::pair<std::string, std::vector<std::string>> as_test_user_command(
    const std::string& program, const std::vector<std::string>& args) {
  auto u = test_user();
  if (!u) return {program, args};
  std::vector<std::string> a = {"--reuid=" + std::to_string(u->uid),
                                "--regid=" + std::to_string(u->gid), "--clear-groups", "--",
                                program};
  a.insert(a.end(), args.begin(), args.end());
  return {"/usr/bin/setpriv", a};
}

}  // namespace distsync::testing
