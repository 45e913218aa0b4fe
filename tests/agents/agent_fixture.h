// The agent surface tests' fixture: a real distsyncd (SyncDaemonFixture) whose agent
// endpoint is tcp on loopback, a free port the daemon picks, and helpers that make keys with
// `distsync-agent keygen`, allow them with the CLI and start real distsync-agent processes
// that connect out over CURVE. sha256sum_tree() checks results outside the project's code.
#pragma once

#include <fstream>

#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {

// "sha256  ./relative/path" lines of every regular file under `root`, sorted: sha256sum's
// view of a tree, independent of distsync.
inline std::string sha256sum_tree(const std::string& root, const std::string& scratch) {
  auto r = run_command("/bin/sh",
                       {"-c", "cd '" + root + "' && find . -type f -print0 | sort -z | "
                                              "xargs -0 -r sha256sum"},
                       scratch, 60s);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

class AgentSurfaceTest : public SyncDaemonFixture {
 protected:
  using json = nlohmann::json;

  std::string extra_toml() override { return "agent_endpoint = \"tcp://127.0.0.1:*\"\n"; }

  json agents() { return call("agent.list"); }
  std::string endpoint() { return agents().value("endpoint", ""); }
  std::string console_key() { return agents().value("console_key", ""); }

  // A key file made by `distsync-agent keygen`; returns the public key it printed.
  std::string keygen(const std::string& file) {
    auto r = run_command(DISTSYNC_AGENT_PATH, {"keygen", "--out", file}, dir_.path(), 30s);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string key = r.out.substr(0, r.out.find('\n'));
    EXPECT_EQ(key.size(), 40u) << r.out;
    return key;
  }

  std::unique_ptr<ChildProcess> start_agent(const std::string& name, const std::string& key_file,
                                            const std::string& serve) {
    static int runs = 0;
    return std::make_unique<ChildProcess>(
        DISTSYNC_AGENT_PATH,
        std::vector<std::string>{"run", "--connect", endpoint(), "--console-key=" + console_key(),
                                 "--key", key_file, "--serve", serve, "--state-dir",
                                 dir_.sub(name + "-state"), "--heartbeat-ms", "200"},
        dir_.sub(name + "-" + std::to_string(++runs) + ".err"));
  }

  bool connected(const std::string& name) {
    // The reply must outlive the loop: `for (a : agents()["agents"])` would iterate an
    // element of a temporary destroyed before the first iteration.
    const json list = agents();
    for (const auto& a : list.value("agents", json::array())) {
      if (a.value("name", "") == name) return a.value("connected", false);
    }
    return false;
  }

  bool wait_connected(const std::string& name, std::chrono::seconds timeout = 30s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (connected(name)) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::uint64_t refused() { return agents().value("refused_frames", std::uint64_t{0}); }

  // An allowed, connected agent serving dir_/<name>; its key file is dir_/<name>.key.
  std::unique_ptr<ChildProcess> allowed_agent(const std::string& name) {
    std::string key = keygen(dir_.sub(name + ".key"));
    // "--": a Z85 key may begin with '-'.
    auto allow = cli({"agent", "allow", name, "--", key});
    EXPECT_EQ(allow.exit_code, 0) << allow.err;
    auto agent = start_agent(name, dir_.sub(name + ".key"), dir_.sub(name));
    EXPECT_TRUE(wait_connected(name)) << agent->stderr_text();
    return agent;
  }
};

}  // namespace distsync::testing
