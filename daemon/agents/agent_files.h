// AgentFiles: what distsync-agent does to the folders it serves, on the agent's host.
//
// Every path the console sends is absolute on this host and must lie within one of `roots`
// (the folders the agent was started with and announces in HELLO); anything else, a ".."
// component, a control character, or a folder whose real path leaves its root through a
// symlink, is refused with a message naming the path. Listings hash through a persisted
// hash cache under `state_dir`, so an unchanged file is never read twice.
//
// Batches: begin() opens one, add_file() creates a temp beside the final name,
// write_chunk() appends the bytes the console streamed, commit() sets each temp's mtime,
// makes every temp durable with one syncfs barrier, renames them over their final names and
// fsyncs each folder once; abort() (or the destructor) removes the temps. No partial file is
// ever visible under a final name.
// Not thread-safe: the agent's one thread drives it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "events/result.h"

namespace distsync {

class AgentFiles {
 public:
  AgentFiles(std::vector<std::string> roots, std::string state_dir);
  ~AgentFiles();

  const std::vector<std::string>& roots() const { return roots_; }

  // Ok when `path` is a normalized absolute path within a served root.
  Result<std::string> check(const std::string& path) const;

  // The CALL ops ("preflight", "list", "remove", "stale", "sha256"): their REPLY result.
  Result<nlohmann::json> call(const std::string& op, const nlohmann::json& args);

  // Removes every temp under every root (at start: no batch of ours can be running).
  std::size_t remove_all_stale_temps();

  // Batches, keyed by the console's req.
  Status begin(std::uint64_t req, bool verify);
  Status add_file(std::uint64_t req, const nlohmann::json& file);
  Status write_chunk(std::uint64_t req, const nlohmann::json& chunk, const std::string& data);
  Result<nlohmann::json> commit(std::uint64_t req);
  void abort(std::uint64_t req);
  bool has_batch(std::uint64_t req) const { return batches_.count(req) != 0; }

  struct Batch;

 private:
  std::vector<std::string> roots_;
  std::string state_dir_;
  std::map<std::uint64_t, std::unique_ptr<Batch>> batches_;
};

}  // namespace distsync
