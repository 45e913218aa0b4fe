// CopyDispatcher: hands file copies to copy workers over ZeroMQ and reports how each ended.
//
// It binds a ROUTER on a private inproc:// endpoint, where `inproc_workers` worker threads of
// its own connect, and optionally on `external_endpoint` (ipc://) for
// `distsync-worker` processes; all speak the copy protocol (copy_protocol.h, docs/sync.md).
// Queued files of one job and server are handed out in batches (one TASK message of up to
// `max_batch_files` files and `max_batch_bytes` bytes; a file larger than that goes alone,
// and a short queue is split across the ready workers), so a worker makes a whole batch
// durable with one barrier. Batches go to the least recently ready worker, at most
// `max_concurrent` at once in all and at most ServerPolicy::max_parallel per server. A worker
// silent for longer than `worker_timeout` is dropped and its batch queued again (dispatched
// under a new number, so a late RESULT from the lost worker is ignored). A server's bandwidth
// limit is divided evenly among its batches in flight (each TASK names its share, and RATE
// re-divides it as batches start and end), so it holds across every worker thread and
// `distsync-worker` process together.
//
// One thread owns every socket; submit() and cancel_job() post messages to it. Outcomes are
// delivered, all outcomes of one batch in one call, by calling `on_outcome` on that thread: it must
// be quick and must not call back into the dispatcher. Thread-safe. The destructor stops workers
// and the thread and joins them; tasks still queued get no outcome.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/content/atomic_copy.h"
#include "daemon/sync/live_progress.h"
#include "daemon/targets/target_factory.h"
#include "events/result.h"

namespace distsync {

// What a server's bandwidth plan has in force at the moment a batch is handed out.
struct RateNow {
  bool closed = false;     // a closed window: the job's queued batches wait
  std::uint64_t bps = 0;   // 0 = unlimited
};

// Whether a closed window holds a job's queued batches right now: the executor sets it when
// it passes over the job's queued batches because of a closed window, and clears it when it
// hands one of them out again; the job thread reads it (SyncPaused / SyncResumed). Shared by
// the job and every copy of its policy, so it outlives whichever lets go last. Thread-safe.
struct HoldFlag {
  std::atomic<bool> held{false};
};

// How every copy of one job runs, fixed when the job starts: its server's limits and
// whether to verify. It travels once per submit, not on every file.
struct ServerPolicy {
  std::uint64_t bandwidth_bps = 0;  // the server's limit, divided among its tasks; 0 = unlimited
  std::uint32_t max_parallel = 0;   // batches in flight per server; 0 = no per-server limit
  bool verify = false;              // re-hash each temp against the manifest before the rename
  TargetLocator target;             // where workers open the target; empty = local full paths
  // The server's bandwidth plan, asked on the dispatcher thread before each batch is handed
  // out (so a rate change applies from the next batch, and a closed window holds the queued
  // batches, pausing the job at a batch boundary, until it opens; the loop asks again at
  // least every heartbeat). Empty = bandwidth_bps, never closed. Must be thread-safe.
  std::function<RateNow()> rate_now;
  std::shared_ptr<HoldFlag> hold;  // may be null: nobody asks
};

struct CopyTask {
  std::uint64_t id = 0;  // the caller's, unique among its tasks in flight
  std::string job;
  std::string server;  // per-server parallelism and bandwidth are keyed on it
  std::string source;  // full paths
  std::string target;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string sha256;
};

struct CopyOutcome {
  std::uint64_t id = 0;
  std::string job;
  bool ok = false;
  std::string failure = "none";  // as ResultMsg::failure
  std::string message;
  std::uint64_t bytes = 0;
  std::string sha256;
};

struct DispatcherOptions {
  std::size_t inproc_workers = 4;
  std::string external_endpoint;                   // empty = in-process workers only
  std::chrono::milliseconds heartbeat{1000};       // told to in-process workers
  std::chrono::milliseconds worker_timeout{5000};  // silence after which a worker is lost
  std::size_t max_concurrent = 16;
  bool use_copy_file_range = true;
  BatchSync batch_sync = BatchSync::kSyncfs;  // told to in-process workers
  std::size_t max_batch_files = 2048;
  std::uint64_t max_batch_bytes = 256ull << 20;
  // Told to in-process workers, which open SMB targets with it; may be null (then only
  // credential-less targets work). Must outlive the dispatcher.
  const CredentialStore* credentials = nullptr;
  TargetOptions target_options;
  // Fed with the bytes each batch in flight has written (workers' PROGRESS); may be null.
  // Must outlive the dispatcher.
  LiveProgress* live_progress = nullptr;
};

struct DispatcherStats {
  std::size_t workers = 0;  // known live workers
  std::size_t pending = 0;
  std::size_t in_flight = 0;
  std::uint64_t dispatched = 0;
  std::uint64_t redispatched = 0;  // tasks of lost workers handed out again
  std::uint64_t lost_workers = 0;
};

// Where a job's copies go: the CopyDispatcher, or an in-process twin in unit tests. Outcomes
// come back through whatever callback the executor was made with. Thread-safe.
class CopyExecutor {
 public:
  virtual ~CopyExecutor() = default;
  // Every task is of `job`, which copies under `policy` (the same for each of its submits).
  virtual void submit(const std::string& job, const ServerPolicy& policy,
                      std::vector<CopyTask> tasks) = 0;
  // Drops the job's queued tasks and stops its running ones; each gets a "cancelled" outcome.
  virtual void cancel_job(const std::string& job) = 0;
};

class CopyDispatcher : public CopyExecutor {
 public:
  using OutcomeFn = std::function<void(std::vector<CopyOutcome>)>;

  // invalid_argument when external_endpoint cannot be bound.
  static Result<std::unique_ptr<CopyDispatcher>> start(DispatcherOptions options,
                                                       OutcomeFn on_outcome);
  ~CopyDispatcher() override;
  CopyDispatcher(const CopyDispatcher&) = delete;
  CopyDispatcher& operator=(const CopyDispatcher&) = delete;

  void submit(const std::string& job, const ServerPolicy& policy,
              std::vector<CopyTask> tasks) override;
  // Drops the job's queued tasks (outcome "cancelled") and sends CANCEL for its running ones
  // (their RESULT, "cancelled", follows).
  void cancel_job(const std::string& job) override;
  DispatcherStats stats() const;
  // The external endpoint as bound (ipc://; tcp:// is refused, daemon/endpoint_policy.h).
  std::string external_endpoint() const;

  class Impl;

 private:
  explicit CopyDispatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
