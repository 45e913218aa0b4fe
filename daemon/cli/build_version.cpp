#include "daemon/cli/build_version.h"

#include "daemon/cli/build_version_generated.h"  // generated into the build tree

namespace distsync {

std::string_view project_version() { return kGeneratedProjectVersion; }

std::string_view git_describe() { return kGeneratedGitDescribe; }

std::string build_version() {
  std::string out(project_version());
  if (!git_describe().empty()) out += " (git " + std::string(git_describe()) + ")";
  return out;
}

}  // namespace distsync
