// AgentTarget: a distribution server on another host, reached through its distsync-agent
// over the agent hub (agent_hub.h). The Target contract (daemon/targets/target.h), each
// operation one CALL to the agent, except write_batch, which streams the files:
//   FILE (path, size, mtime, expected hash) then CHUNK frames of up to kAgentChunkBytes,
//   sent only while the agent has granted credit (CREDIT frames, kAgentCreditWindow chunks
//   to begin with and one per chunk it has written), so a slow link never holds more than
//   the window in memory on either side; then COMMIT, after which the agent makes every temp
//   durable with one barrier, renames them and answers one result per file.
// An agent that disconnects mid-batch fails the whole batch (io_error "agent ... during the
// batch", AgentBatch::link_lost); its temps are removed by the agent when it starts again, or
// by the job's sweep of stale temps when it ends, and the job retries.
//
// A pool: the server's agents (ServerSpec::pool(), REQUIRES: not empty), which all reach the
// same folder. Calls and write_batch go to the first agent of the pool that is connected, in
// the pool's order; with none connected, to the first, which gives today's errors (it is
// awaited, then "not connected"). The copy executor picks an agent per batch itself
// (write_batch_on).
//
// Paths: the root is the server's root_path on the agents' host(s); locate() gives
// "agent://FIRST/ROOT/PATH", what the copy executor (agent_copy_executor.h) routes by.
// `hub` must outlive the target. Thread-safe (each call is its own exchange).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "daemon/agents/agent_hub.h"
#include "daemon/targets/target.h"

namespace distsync {

inline constexpr std::string_view kAgentScheme = "agent://";

// One batch as streamed to one agent. link_lost: the agent was not connected, or its link
// broke (disconnect, silence) before every result came back, so another agent of the pool
// may take the batch; false when the agent answered (whatever the files' results).
struct AgentBatch {
  std::vector<CopyResult> results;
  bool link_lost = false;
};

class AgentTarget : public Target {
 public:
  AgentTarget(AgentHub& hub, std::vector<std::string> pool, std::string root);

  std::string describe() const override;
  std::string locate(const std::string& path) const override;
  PreflightReport preflight(const std::string& dir, std::uint64_t min_free_bytes) override;
  Result<Manifest> list(const std::string& dir, const std::atomic<bool>* cancel) override;
  // TargetFile::path may also be a located "agent://NAME/..." name.
  std::vector<CopyResult> write_batch(const std::vector<TargetFile>& files,
                                      const BatchCopyOptions& options) override;
  PruneReport remove(const std::string& dir, const std::vector<std::string>& paths) override;
  Result<std::size_t> remove_stale_temps(const std::string& dir) override;
  Result<std::string> read_sha256(const std::string& path) override;

  // write_batch on `agent` (one of the pool's, or any agent for located paths).
  AgentBatch write_batch_on(const std::string& agent, const std::vector<TargetFile>& files,
                            const BatchCopyOptions& options);

 private:
  std::string full(const std::string& path) const;
  // The first connected agent of the pool, else the first.
  std::string pick() const;

  AgentHub& hub_;
  const std::vector<std::string> pool_;
  const std::string root_;
};

// A Target for a server on `agent` when this console runs no agent hub: every operation
// fails with "set agent_endpoint in the config", so the job fails at preflight (R7).
std::shared_ptr<Target> make_unreachable_agent_target(const std::string& agent,
                                                      const std::string& root);

// Splits "agent://NAME/abs/path" into NAME and "/abs/path"; false when it is not one.
bool parse_agent_location(const std::string& located, std::string* agent, std::string* path);

}  // namespace distsync
