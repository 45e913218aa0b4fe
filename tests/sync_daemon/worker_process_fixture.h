// A SyncDaemonFixture whose daemon also listens on a copy endpoint, for tests that run real
// distsync-worker processes beside it (the config refuses copy_workers = 0, so one in-daemon
// worker runs too). The daemon reports no per-worker copy counts, so `written_bytes` reads a
// worker's own write counter (/proc/PID/io wchar); workers start with --no-copy-file-range so
// their copies go through write() and show there.
#pragma once

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {

// Bytes the process wrote through write() and friends (/proc/PID/io "wchar"); 0 if unreadable.
inline std::uint64_t written_bytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/io");
  std::string key;
  std::uint64_t value = 0;
  while (in >> key >> value) {
    if (key == "wchar:") return value;
  }
  return 0;
}

class WorkerProcessFixture : public SyncDaemonFixture {
 protected:
  std::string extra_toml() override {
    return "copy_workers = 1\ncopy_endpoint = \"ipc://" + dir_.sub("copy.sock") + "\"\n";
  }

  // A distsync-worker connected to the daemon's copy endpoint; its stderr goes to NAME.err.
  std::unique_ptr<ChildProcess> start_worker(const std::string& name) {
    return std::make_unique<ChildProcess>(
        DISTSYNC_WORKER_PATH,
        std::vector<std::string>{"--connect", "ipc://" + dir_.sub("copy.sock"), "--name", name,
                                 "--heartbeat-ms", "100", "--no-copy-file-range"},
        dir_.sub(name + ".err"));
  }
};

}  // namespace distsync::testing
