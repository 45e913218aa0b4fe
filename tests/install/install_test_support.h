// Helpers of the install and service tests: shell commands, files, the build's paths.
//
// Paths come from compile definitions set by tests/install/CMakeLists.txt: the build dir
// (DISTSYNC_BINARY_DIR), cmake and cpack of the build (CMAKE_COMMAND_PATH, CPACK_COMMAND_PATH)
// and the project version (DISTSYNC_VERSION).
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/daemon_harness.h"

namespace distsync::testing {

// Single-quotes `s` for sh.
inline std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs `script` with sh -c in `scratch`; stdout and stderr apart.
inline CommandResult sh(const std::string& script, const std::string& scratch,
                        std::chrono::milliseconds timeout = 120s) {
  return run_command("/bin/sh", {"-c", script}, scratch, timeout);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `cmake --install <build> --prefix <prefix>`: the install step as an admin runs it.
inline CommandResult install_into(const std::string& prefix, const std::string& scratch) {
  return sh(sh_quote(CMAKE_COMMAND_PATH) + " --install " + sh_quote(DISTSYNC_BINARY_DIR) +
                " --prefix " + sh_quote(prefix),
            scratch);
}

}  // namespace distsync::testing
