#include "tools/admin/admin_commands.h"

namespace distsync {

std::vector<AdminCommand> admin_commands() {
  std::vector<AdminCommand> commands;
  commands.push_back(make_check_command());
  commands.push_back(make_rebuild_command());
  commands.push_back(make_replay_command());
  commands.push_back(make_public_key_command());
  return commands;
}

}  // namespace distsync
