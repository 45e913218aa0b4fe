#include "daemon/cli/program_flags.h"

#include <iostream>

#include "daemon/cli/bash_completion.h"
#include "daemon/cli/build_version.h"
#include "daemon/cli/man_page.h"

namespace distsync {

void add_program_flags(CLI::App& app, const std::string& program) {
  app.set_version_flag("--version", program + " " + build_version(),
                       "print the version of this build and exit");
  // Group "" hides them from --help; they are for the build, not for operators.
  app.add_flag_callback(
         "--man-page",
         [&app, program] {
           write_man_page(app, program, build_version(), std::cout);
           throw CLI::Success();
         },
         "print the man page (roff) and exit")
      ->group("");
  app.add_flag_callback(
         "--bash-completion",
         [&app, program] {
           write_bash_completion(app, program, std::cout);
           throw CLI::Success();
         },
         "print a bash completion script and exit")
      ->group("");
}

int exit_for_parse_error(CLI::App& app, const CLI::ParseError& e, std::string_view program,
                         int usage_code) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
  std::cerr << program << ": " << e.what() << "; see --help\n";
  return usage_code;
}

}  // namespace distsync
