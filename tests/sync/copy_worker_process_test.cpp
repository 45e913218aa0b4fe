// distsync-worker as a separate process: the real binary, spawned, speaking the copy protocol
// over ipc, and killed with SIGKILL in the middle of a task.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <set>
#include <thread>

#include "daemon/sync/copy_dispatcher.h"
#include "daemon/sync/copy_worker.h"
#include "tests/support/proc_io.h"
#include "tests/sync/sync_fixture.h"

extern char** environ;

namespace distsync::testing {
namespace {

class WorkerProcess {
 public:
  explicit WorkerProcess(const std::string& endpoint) {
    // --no-copy-file-range: copies go through write(), so written_bytes() sees them.
    std::vector<std::string> args = {DISTSYNC_WORKER_BIN, "--connect", endpoint, "--heartbeat-ms",
                                     "100", "--no-copy-file-range"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) pid_ = -1;
  }
  ~WorkerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  pid_t pid() const { return pid_; }
  void stop() { ::kill(pid_, SIGSTOP); }
  void kill_hard() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

class CopyWorkerProcessTest : public SyncFixture {};

const char kNoCurve[] =
    " refused: copy workers have no CURVE authentication; use ipc://, and put a remote server "
    "on a distsync-agent (docs/agents.md)";

// A tcp copy endpoint would hand copy tasks to, or take them from, anyone on the port. Neither
// side of the copy protocol opens one: remote hosts get a distsync-agent instead.
TEST_F(CopyWorkerProcessTest, NeitherWorkerNorDispatcherUsesTcp) {
  // What distsync-worker runs; it prints the message after "distsync-worker: " and exits 1.
  CopyWorkerOptions worker;
  worker.endpoint = "tcp://127.0.0.1:5557";
  Status refused = run_copy_worker(worker, -1);
  EXPECT_EQ(refused.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(refused.message(), std::string("copy endpoint tcp://127.0.0.1:5557") + kNoCurve);
  DispatcherOptions o;
  o.inproc_workers = 0;
  o.external_endpoint = "tcp://127.0.0.1:*";
  auto d = CopyDispatcher::start(o, [](std::vector<CopyOutcome>) {});
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(), std::string("copy endpoint tcp://127.0.0.1:*") + kNoCurve);
}

TEST_F(CopyWorkerProcessTest, ExternalWorkersCopyAndAKilledWorkersTaskIsDispatchedAgain) {
  make_bench_tree();
  std::string server = dir_.sub("server");
  // 3 MiB/s for the ~10 MB of "small": the job runs for seconds, so the second worker is
  // surely connected and copying before it is killed, even on a loaded machine.
  add_server("s1", server, 3 << 20, 2);
  SyncServiceOptions o = options();
  o.dispatcher.inproc_workers = 0;
  o.dispatcher.external_endpoint = "ipc://" + dir_.sub("copy.ipc");
  // Small batches, so that many remain queued when the first ones land: the killed worker
  // is then surely mid-batch, and its batch must be dispatched again.
  o.dispatcher.max_batch_files = 4;
  auto service = start_service(o, system_clock_);
  ASSERT_EQ(service->copy_endpoint(), o.dispatcher.external_endpoint);
  WorkerProcess w1(service->copy_endpoint());
  auto w2 = std::make_unique<WorkerProcess>(service->copy_endpoint());
  ASSERT_GT(w1.pid(), 0);
  ASSERT_GT(w2->pid(), 0);

  // Both workers connected first, and the second one's own writes so far (a sanitizer
  // runtime writes hundreds of KiB at start) as the baseline for "it has copied".
  const auto connected_by = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (service->copy_stats().workers < 2 && std::chrono::steady_clock::now() < connected_by) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(service->copy_stats().workers, 2u) << "the workers never connected";
  const std::uint64_t idle = written_bytes(w2->pid());
  queue("job-1", "s1", "all");
  // Once the second worker has copied something (more than its protocol chatter) and several
  // batches are still queued, freeze it with SIGSTOP, then kill it. A frozen worker cannot
  // hand back a batch: either it held one, or, being ready, it is given the next queued one.
  // Killing it at a random moment instead (after two FileCopied, or once it had written)
  // sometimes caught it between batches, and then nothing was lost or dispatched again.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((written_bytes(w2->pid()) < idle + 64 * 1024 || service->copy_stats().pending < 8) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_GE(written_bytes(w2->pid()), idle + 64 * 1024) << "the second worker never copied";
  ASSERT_GE(service->copy_stats().pending, 8u) << "the job ran out of tasks before the kill";
  w2->stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  w2->kill_hard();
  auto done = wait_for("job-1", "SyncCompleted", std::chrono::seconds(120));
  ASSERT_TRUE(done);
  DispatcherStats stats = service->copy_stats();
  EXPECT_GE(stats.lost_workers, 1u);
  EXPECT_GE(stats.redispatched, 1u);
  EXPECT_EQ(read_tree(server + "/Patches"), read_tree(console_ + "/Patches"));
  EXPECT_EQ(read_tree(server + "/DataFiles"), read_tree(console_ + "/DataFiles"));
  EXPECT_EQ(count_temps(server), 0u);
  std::set<std::string> paths;
  for (const auto& e : events_of("job-1")) {
    if (const auto* c = e.as<FileCopied>()) {
      EXPECT_TRUE(paths.insert(c->path).second) << c->path;
    }
  }
}

}  // namespace
}  // namespace distsync::testing
