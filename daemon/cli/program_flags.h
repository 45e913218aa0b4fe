// The flags every distsync executable shares, and how a parse error becomes an exit code.
//
// add_program_flags() gives `app` a --version flag ("<program> <build_version()>") and two
// hidden flags the build runs to generate files from the app's own command tree, so the
// installed man page and completion never drift from the parser:
//   --man-page         prints the man page (roff, section 1) on stdout
//   --bash-completion  prints a bash completion script on stdout
// Each of the three prints, then ends parsing with exit code 0 (exit_for_parse_error()).
// Call it after every subcommand and option is added: the generators walk the tree as it is
// when they run. Not thread-safe; `app` must outlive parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace distsync {

void add_program_flags(CLI::App& app, const std::string& program);

// For a ParseError thrown by app.parse(): help, --version and the generators exit 0 with what
// CLI11 prints for them; anything else prints "<program>: <what>; see --help" on stderr and
// returns `usage_code`.
int exit_for_parse_error(CLI::App& app, const CLI::ParseError& e, std::string_view program,
                         int usage_code = 2);

}  // namespace distsync
