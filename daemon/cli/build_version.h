// The version of this build, for every executable's --version.
//
// build_version() is the project version and, when the source tree was a git checkout at
// configure time, its `git describe --tags --always --dirty` ("0.1.0 (git b1a4e2c-dirty)").
// A tarball without .git gets the project version alone ("0.1.0"). The values are fixed when
// CMake configures (daemon/cli/CMakeLists.txt); only build_version.cpp sees the generated
// header, so a new commit recompiles one file. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace distsync {

// "0.1.0": the project() version of the top-level CMakeLists.
std::string_view project_version();
// The git describe of the checkout, or "" when it was not one.
std::string_view git_describe();
// "0.1.0 (git <describe>)" or "0.1.0".
std::string build_version();

}  // namespace distsync
