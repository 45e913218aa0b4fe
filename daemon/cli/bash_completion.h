// A bash completion script for an executable, generated from its CLI11 command tree.
//
// The script defines one function, _<program> (dashes become underscores), registered with
// `complete -F`. It walks the words typed so far down the subcommand tree, then offers the
// subcommands and options of the command reached; after an option that takes a value it
// offers file names. Hidden options and subcommands (group "") are left out. No dependency on
// the bash-completion package's helpers. Pure; thread-compatible.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>
#include <string_view>

namespace distsync {

void write_bash_completion(const CLI::App& app, std::string_view program, std::ostream& out);

}  // namespace distsync
