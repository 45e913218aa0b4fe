// A SyncDaemonFixture whose daemon also listens on a copy endpoint, for tests that run real
// distsync-worker processes beside it (the config refuses copy_workers = 0, so one in-daemon
// worker runs too). The daemon reports no per-worker copy counts, so tests read a worker's own
// write counter (tests/support/proc_io.h); workers start with --no-copy-file-range so
// their copies go through write() and show there.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/proc_io.h"
#include "tests/sync_daemon/sync_daemon_fixture.h"

namespace distsync::testing {

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
