// The man page (section 1) of an executable, generated from its CLI11 command tree.
//
// NAME and DESCRIPTION come from the app's description ("distsync: control a ..."), OPTIONS
// from its visible options, COMMANDS from every visible subcommand, depth first, each with
// its own options and positionals. EXIT STATUS, FILES, ENVIRONMENT and SEE ALSO are the same
// for every distsync executable. Hidden options and subcommands (group "") are left out.
// Output is plain roff for man(1), deterministic (no dates), escaped so that no help text can
// start a roff request. Pure; thread-compatible.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>
#include <string_view>

namespace distsync {

void write_man_page(const CLI::App& app, std::string_view program, std::string_view version,
                    std::ostream& out);

// Escapes text for a roff body line: backslashes, '-' (as \-), and a leading '.' or '\''.
std::string roff_escape(std::string_view text);

}  // namespace distsync
