#include "tools/admin/admin_commands.h"

namespace distsync {

std::vector<AdminCommand> admin_commands() {
  std::vector<AdminCommand> commands;
  commands.push_back(make_check_command());
  return commands;
}

}  // namespace distsync
