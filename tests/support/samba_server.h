// SambaServer: a real Samba smbd for tests of SMB targets, on a free loopback port, with
// its own smb.conf, private dir (tdbsam passdb), lock, state and cache dirs, all inside the
// test's temp dir. One SMB user, the test user (tests/support/test_user.h), is created with
// `smbpasswd -a -s`; every share forces that unix user, and its folder is the test user's,
// so files written through SMB land owned by it. smbd runs in the foreground in its own
// session (setsid: smbd in the foreground signals its process group when it stops), and the
// destructor stops the whole session. SMB2 is the lowest protocol it offers.
//
//   SambaServer smb(dir.sub("smb"), "s3cret", {{"dist", false}, {"ro", true}});
//   ASSERT_TRUE(smb.ready()) << smb.log();
//   smb.smbclient("dist", "ls")                 // a separate SMB client, as the user
//   smb.pause(); ... smb.resume();              // a server that stops answering, then goes on
//
// Waits poll with a deadline; nothing sleeps a fixed time. Not thread-safe.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/free_port.h"
#include "tests/support/test_user.h"

namespace distsync::testing {

struct SambaShare {
  std::string name;
  bool read_only = false;
};

class SambaServer {
 public:
  SambaServer(const std::string& dir, const std::string& password, std::vector<SambaShare> shares)
      : dir_(dir), password_(password), shares_(std::move(shares)) {
    namespace fs = std::filesystem;
    fs::create_directories(dir_);
    // smbd serves the shares as the test user, which must reach them through every parent.
    for (fs::path p = dir_; p != p.parent_path() && p.string().find("distsync-test-") != std::string::npos;
         p = p.parent_path()) {
      ::chmod(p.c_str(), 0755);
    }
    for (const char* sub : {"private", "lock", "state", "cache", "pid", "ncalrpc", "log", "shares"}) {
      fs::create_directories(dir_ + "/" + sub);
    }
    for (const SambaShare& s : shares_) fs::create_directories(share_path(s.name));
    give_to_test_user(dir_ + "/shares");
    for (int attempt = 0; attempt < 5 && !ready_; ++attempt) start();
  }

  ~SambaServer() { stop(); }
  SambaServer(const SambaServer&) = delete;
  SambaServer& operator=(const SambaServer&) = delete;

  bool ready() const { return ready_; }
  int port() const { return port_; }
  const std::string& password() const { return password_; }
  static std::string user() {
    return test_user() ? kTestUserName : std::string(::getenv("USER") ? ::getenv("USER") : "");
  }
  std::string share_path(const std::string& share) const { return dir_ + "/shares/" + share; }
  std::string log() const {
    std::ifstream in(dir_ + "/log/smbd.out");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // \\127.0.0.1:PORT\share
  std::string unc(const std::string& share) const {
    return "\\\\127.0.0.1:" + std::to_string(port_) + "\\" + share;
  }

  // Runs `smbclient //127.0.0.1/share -c command` as the SMB user (password from an
  // authentication file, not argv), from `local_dir` (for get/mget); output and exit code.
  std::pair<int, std::string> smbclient(const std::string& share, const std::string& command,
                                        const std::string& local_dir = "") const {
    std::string auth = dir_ + "/smbclient.auth";
    {
      std::ofstream a(auth);
      a << "username = " << user() << "\npassword = " << password_ << "\ndomain = WORKGROUP\n";
    }
    ::chmod(auth.c_str(), 0600);
    std::string out = dir_ + "/smbclient.out";
    std::string cmd = (local_dir.empty() ? "" : "cd '" + local_dir + "' && ") +
                      "smbclient //127.0.0.1/" + share + " -p " + std::to_string(port_) +
                      " -A '" + auth + "' -m SMB3 -s '" + conf() + "' -c \"" + command +
                      "\" > '" + out + "' 2>&1";
    int rc = std::system(cmd.c_str());
    std::ifstream in(out);
    std::stringstream s;
    s << in.rdbuf();
    return {WIFEXITED(rc) ? WEXITSTATUS(rc) : -1, s.str()};
  }

  // SIGSTOP / SIGCONT to smbd and every connection child of it: a server that stops
  // answering mid-request (the TCP connections stay open), and that later goes on.
  void pause() const {
    if (pid_ > 0) ::kill(-pid_, SIGSTOP);
  }
  void resume() const {
    if (pid_ > 0) ::kill(-pid_, SIGCONT);
  }

  void stop() {
    if (pid_ <= 0) return;
    resume();  // a stopped smbd would not act on SIGTERM
    ::kill(-pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(-pid_, SIGKILL);  // any connection child left in the session
    pid_ = -1;
    ready_ = false;
  }

 private:
  std::string conf() const { return dir_ + "/smb.conf"; }

  bool accepts() const {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port_));
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
  }

  void write_conf() {
    std::ofstream c(conf());
    c << "[global]\n"
      << "  netbios name = DSTEST\n  workgroup = WORKGROUP\n  server role = standalone server\n"
      << "  interfaces = 127.0.0.1\n  bind interfaces only = yes\n"
      << "  smb ports = " << port_ << "\n  disable netbios = yes\n"
      << "  server min protocol = SMB2\n"
      << "  private dir = " << dir_ << "/private\n  lock directory = " << dir_ << "/lock\n"
      << "  state directory = " << dir_ << "/state\n  cache directory = " << dir_ << "/cache\n"
      << "  pid directory = " << dir_ << "/pid\n  ncalrpc dir = " << dir_ << "/ncalrpc\n"
      << "  log file = " << dir_ << "/log/smbd.log\n"
      << "  passdb backend = tdbsam:" << dir_ << "/private/passdb.tdb\n"
      << "  smb passwd file = " << dir_ << "/private/smbpasswd\n"
      << "  load printers = no\n  printing = bsd\n  printcap name = /dev/null\n"
      << "  disable spoolss = yes\n  map to guest = never\n"
      << "  client min protocol = SMB2\n";
    for (const SambaShare& s : shares_) {
      c << "[" << s.name << "]\n  path = " << share_path(s.name) << "\n"
        << "  read only = " << (s.read_only ? "yes" : "no") << "\n"
        << "  force user = " << user() << "\n  valid users = " << user() << "\n";
    }
  }

  void start() {
    port_ = free_port();
    write_conf();
    std::string cmd = "printf '%s\\n%s\\n' '" + password_ + "' '" + password_ +
                      "' | smbpasswd -c '" + conf() + "' -a -s " + user() + " > '" + dir_ +
                      "/log/smbpasswd.out' 2>&1";
    if (std::system(cmd.c_str()) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setsid();
      std::string out = dir_ + "/log/smbd.out";
      std::freopen(out.c_str(), "a", stdout);
      std::freopen(out.c_str(), "a", stderr);
      std::string c = conf();
      execl("/usr/sbin/smbd", "smbd", "--foreground", "--no-process-group", "--debug-stdout",
            "-d", "1", "-s", c.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // died (port taken?): try another
        pid_ = -1;
        return;
      }
      if (accepts()) {
        ready_ = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
  }

  std::string dir_;
  std::string password_;
  std::vector<SambaShare> shares_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool ready_ = false;
};

}  // namespace distsync::testing
