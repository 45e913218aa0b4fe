// A copy worker: a ZeroMQ DEALER that takes TASK messages (batches of files) from the
// dispatcher, writes each batch through a Target (daemon/targets: the atomic batch
// protocol, one durability barrier per batch): a LocalTarget on full paths when the TASK
// names no target (the local case, unchanged), else the one open_target() gives for the
// TASK's locator (kept open across tasks), and answers RESULT with one result per file
// (docs/sync.md).
//
// The worker announces itself with READY, sends HEARTBEAT every `heartbeat` while connected
// (idle or busy), runs one task at a time on a helper thread so that heartbeats and CANCEL
// keep flowing during a long copy, and raises the copy's cancel flag on CANCEL or stop.
// While a task runs it sends PROGRESS (bytes written so far) at most every 250 ms, when the
// count moved.
// A rate_share task (what the dispatcher sends) copies under a limiter of its own at the
// share of its server's limit the TASK names, changed by RATE while it runs; older TASKs
// that share a limit_key share one BandwidthLimiter per worker process.
// run_copy_worker is what `distsync-worker` runs; the daemon's in-process workers run the
// same loop over inproc (copy_worker_loop.h). Blocking; call from a thread you own.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "daemon/content/atomic_copy.h"
#include "daemon/content/bandwidth_limiter.h"
#include "daemon/targets/target_factory.h"
#include "events/mutex.h"
#include "events/status.h"

namespace distsync {

struct CopyWorkerOptions {
  std::string endpoint;  // the dispatcher's: "ipc:///path" or "inproc://..." (no tcp: see
                         // daemon/endpoint_policy.h)
  std::string name;      // for the dispatcher's logs; default "worker-<pid>"
  std::chrono::milliseconds heartbeat{1000};
  bool use_copy_file_range = true;
  // How a batch's temps are made durable before the renames (atomic_copy.h).
  BatchSync batch_sync = BatchSync::kSyncfs;
  // For tasks whose TASK frame names a target (an SMB share): the store its credential is
  // looked up in (may be null: credential-less targets only; must outlive the worker) and
  // the targets' timeouts. Each worker keeps one open target per locator, so every copy
  // thread has its own SMB connection.
  const CredentialStore* credentials = nullptr;
  TargetOptions target_options;
};

// Limiters shared by every worker thread of one process, one per (limit_key, rate).
// Thread-safe. Limiters live as long as the registry.
class LimiterRegistry {
 public:
  // nullptr for rate 0 (unlimited).
  BandwidthLimiter* get(const std::string& key, std::uint64_t bytes_per_second);

 private:
  Mutex mu_;
  std::map<std::pair<std::string, std::uint64_t>, std::unique_ptr<BandwidthLimiter>> limiters_
      GUARDED_BY(mu_);
};

// Connects to options.endpoint and serves tasks until `stop_fd` becomes readable (for
// example a signal self-pipe). A task running at that moment is cancelled and its temp
// removed. invalid_argument for a bad endpoint; unavailable when the socket fails.
Status run_copy_worker(const CopyWorkerOptions& options, int stop_fd);

}  // namespace distsync
