// distsync-admin: offline maintenance of a data dir, with no daemon required.
//
// Each subcommand is a row in admin_commands(): a name, a one-line description, a function
// that adds its options to a CLI11 subcommand, and one that runs it and returns the exit code
// (0 ok, 1 failure or a problem found; usage errors are 2, handled by main). To add one
// (e.g. `rebuild`, projection checks), write <name>_command.cpp with a make_<name>_command()
// and list it in admin_commands.cpp. Not thread-safe.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "daemon/config.h"
#include "events/log/lmdb_event_log.h"

namespace distsync {

struct AdminIo {
  std::ostream& out;
  std::ostream& err;
};

struct AdminCommand {
  std::string name;
  std::string description;
  // Adds options to `cmd`; values land in state the command owns (captured by run).
  std::function<void(CLI::App& cmd)> add_options;
  // Runs with the config loaded from the global --config/--data-dir/--console.
  std::function<int(const DaemonConfig& config, AdminIo io)> run;
};

std::vector<AdminCommand> admin_commands();

// Opens the data dir's event log, which must exist: an admin command never creates one.
// NotFound names the directory. `folder`, when given, must outlive the log.
Result<std::unique_ptr<LmdbEventLog>> open_existing_log(const DaemonConfig& config,
                                                        Folder* folder = nullptr);

// `check`: verifies the whole hash chain of the log and that the stored head matches it.
AdminCommand make_check_command();
// `rebuild`: folds the log into fresh projections in memory and compares them with the
// persisted state (projections OK / MISMATCH).
AdminCommand make_rebuild_command();
// `public-key`: the console's checkpoint public key, for auditors (docs/audit.md).
AdminCommand make_public_key_command();
// `replay --from DIR --to NEWDIR`: the log re-appended into a fresh data dir, preserving
// consoles and times, so every hash is the same; verified.
AdminCommand make_replay_command();

}  // namespace distsync
