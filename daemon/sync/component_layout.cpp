#include "daemon/sync/component_layout.h"

#include "daemon/content/safe_path.h"

namespace distsync {
namespace {

std::string dir_for(const ServerSpec& server, const std::string& component, const char* fallback) {
  auto it = server.component_dirs.find(component);
  if (it == server.component_dirs.end() || it->second.empty()) return fallback;
  return it->second;
}

}  // namespace

Result<std::vector<ComponentRoot>> resolve_components(const ConsoleLayout& layout,
                                                      const ServerSpec& server,
                                                      const std::string& component) {
  if (server.root_path.empty()) {
    return Status::invalid_argument("server '" + server.name +
                                    "' has no root path; edit the server to set one");
  }
  if (component != "patches" && component != "core" && component != "all") {
    return Status::invalid_argument("unknown component '" + component +
                                    "'; use patches, core or all");
  }
  std::vector<ComponentRoot> out;
  auto add = [&](const std::string& name, const std::string& source, const char* fallback) {
    ComponentRoot r;
    r.component = name;
    r.source_root = source;
    r.target_dir = dir_for(server, name, fallback);
    r.target_root = join_path(server.root_path, r.target_dir);
    out.push_back(std::move(r));
  };
  if (component == "patches" || component == "all") add("patches", layout.patches_dir, "Patches");
  if (component == "core" || component == "all") add("core", layout.datafiles_dir, "DataFiles");
  for (const auto& r : out) {
    Status s = check_content_path(r.target_dir);
    if (!s.is_ok()) {
      return Status::invalid_argument("server '" + server.name + "' folder for " + r.component +
                                      " is unsafe: " + s.message());
    }
  }
  return out;
}

bool components_overlap(const std::string& a, const std::string& b) {
  return a == b || a == "all" || b == "all";
}

}  // namespace distsync
