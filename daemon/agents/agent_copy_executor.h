// AgentCopyExecutor: the copy executor for servers on agents. Tasks whose target is an
// "agent://NAME/..." location (AgentTarget::locate) are grouped per job into batches and
// streamed to the agent by AgentTarget::write_batch on a pool of `threads` threads; every
// other task goes to `local` (the CopyDispatcher and its copy workers), untouched.
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

  AgentCopyExecutor(AgentHub& hub, CopyExecutor& local, OutcomeFn on_outcome,
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
