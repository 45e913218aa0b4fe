// AgentCopyExecutor: the copy executor for servers on agents. Tasks whose target is an
// "agent://NAME/..." location (AgentTarget::locate) are cut per job into batches (at most
// `max_batch_files`, and at least the server's max_parallel when there are that many files,
// evened out by bytes) and streamed by AgentTarget::write_batch_on on a pool of `threads`
// threads; every other task goes to `local` (the CopyDispatcher and its copy workers),
// untouched.
//
// Pools: `pool_of(server)` names the server's agents (ServerSpec::pool(); empty = just the
// agent its locations name). Each batch goes to the least busy connected agent of the pool
// (fewest batches in flight, the pool's order on a tie); with none connected, to the first,
// which fails as a server on one agent does. Failover: when the link of the agent carrying a
// batch breaks (AgentBatch::link_lost), the batch is queued again, first, for another
// connected agent of the pool that has not lost it; only when there is none are its outcomes
// delivered (failed), for the job's retry. A batch's outcomes are delivered once, so no file
// is recorded twice.
//
// Bandwidth: one BandwidthLimiter per server and rate, shared by every batch of that server
// whichever agent and thread carries it, so k parallel batches never get k times the limit.
// The rate is the one the server's bandwidth plan has in force when a batch starts
// (ServerPolicy::rate_now; without a plan ServerPolicy::bandwidth_bps), as for local servers;
// in a closed window the job's batches wait (checked again every second) until it opens.
// Per-server parallelism is ServerPolicy::max_parallel.
//
// Outcomes of a batch are delivered in one call of `on_outcome`, from a pool thread.
// cancel_job() drops the job's queued batches ("cancelled") and raises the cancel flag of
// its running ones. `hub` and `local` must outlive the executor; the destructor cancels
// what is queued without outcomes and joins. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/agents/agent_hub.h"
#include "daemon/sync/copy_dispatcher.h"

namespace distsync {

class AgentCopyExecutor : public CopyExecutor {
 public:
  using OutcomeFn = std::function<void(std::vector<CopyOutcome>)>;
  // Must be thread-safe; called from pool threads.
  using PoolFn = std::function<std::vector<std::string>(const std::string& server)>;

  AgentCopyExecutor(AgentHub& hub, CopyExecutor& local, OutcomeFn on_outcome, PoolFn pool_of,
                    std::size_t threads = 8, std::size_t max_batch_files = 64);
  ~AgentCopyExecutor() override;

  void submit(const std::string& job, const ServerPolicy& policy,
              std::vector<CopyTask> tasks) override;
  void cancel_job(const std::string& job) override;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
