// distsync: the operator's CLI. Parses arguments and wires the command groups; each group
// lives in its own *_command.cpp.
#include <CLI/CLI.hpp>
#include <iostream>

#include "daemon/cli/program_flags.h"
#include "tools/distsync/cli_context.h"

int main(int argc, char** argv) {
  using namespace distsync;
  CLI::App app{"distsync: control a distsyncd console"};
  app.require_subcommand(1);
  app.fallthrough();
  CliContext ctx(std::cout, std::cerr);
  ctx.add_global_options(app);
  register_status_command(app, ctx);
  register_events_commands(app, ctx);
  register_server_commands(app, ctx);
  register_credential_commands(app, ctx);
  register_schedule_commands(app, ctx);
  register_history_command(app, ctx);
  register_audit_commands(app, ctx);
  register_download_commands(app, ctx);
  register_sync_commands(app, ctx);
  register_report_command(app, ctx);
  register_group_commands(app, ctx);
  register_validate_command(app, ctx);
  register_agent_commands(app, ctx);
  register_keygen_command(app, ctx);
  register_alerts_commands(app, ctx);
  add_program_flags(app, "distsync");  // last: its man page and completion walk the tree above
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return exit_for_parse_error(app, e, "distsync", kExitUsage);
  }
  return ctx.exit_code;
}
