// distsync-admin: offline maintenance of a data dir. Parses arguments and dispatches to the
// subcommand table in admin_commands.cpp.
#include <CLI/CLI.hpp>
#include <iostream>

#include "daemon/cli/installed_config.h"
#include "daemon/cli/program_flags.h"
#include "tools/admin/admin_commands.h"

int main(int argc, char** argv) {
  using namespace distsync;
  CLI::App app{"distsync-admin: offline checks and repairs of a distsync data dir"};
  app.require_subcommand(1);
  app.fallthrough();
  ConfigFlags flags;
  app.add_option("--config", flags.config_file, "TOML config file (default: $DISTSYNC_CONFIG, else the installed one)");
  app.add_option("--data-dir", flags.data_dir, "the data dir (default ./var)");
  app.add_option("--console", flags.console_id, "console id (default: the hostname)");
  int exit_code = 0;
  std::vector<AdminCommand> commands = admin_commands();
  for (const AdminCommand& command : commands) {
    CLI::App* sub = app.add_subcommand(command.name, command.description);
    command.add_options(*sub);
    sub->callback([&flags, &command, &exit_code] {
      auto config = load_client_config(flags);
      if (!config.ok()) {
        std::cerr << "distsync-admin: " << config.status().message() << "\n";
        exit_code = 2;
        return;
      }
      exit_code = command.run(*config, AdminIo{std::cout, std::cerr});
    });
  }
  add_program_flags(app, "distsync-admin");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return exit_for_parse_error(app, e, "distsync-admin");
  }
  return exit_code;
}
