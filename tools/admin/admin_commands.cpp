#include "tools/admin/admin_commands.h"

#include <filesystem>

namespace distsync {

std::vector<AdminCommand> admin_commands() {
  std::vector<AdminCommand> commands;
  commands.push_back(make_check_command());
  commands.push_back(make_rebuild_command());
  commands.push_back(make_replay_command());
  commands.push_back(make_public_key_command());
  return commands;
}

Result<std::unique_ptr<LmdbEventLog>> open_existing_log(const DaemonConfig& config,
                                                        Folder* folder) {
  std::error_code ec;
  if (!std::filesystem::exists(config.log_dir + "/data.mdb", ec)) {
    return Status::not_found("no event log at " + config.log_dir + "; is --data-dir right?");
  }
  LmdbLogOptions options;
  options.dir = config.log_dir;
  options.console = "distsync-admin";
  options.folder = folder;
  return LmdbEventLog::open(options);
}

}  // namespace distsync
