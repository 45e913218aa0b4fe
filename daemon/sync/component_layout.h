// Which console folder a sync component copies, and where it lands on a server (R1, R11).
//
// "patches" copies the console's patch download directory to <root>/<component_dirs["patches"]
// or "Patches">; "core" copies the data-files directory (engines and definitions) to
// <root>/<component_dirs["core"] or "DataFiles">; "all" copies both. Pure; value types.
#pragma once

#include <string>
#include <vector>

#include "events/result.h"
#include "events/server_events.h"

namespace distsync {

struct ConsoleLayout {
  std::string patches_dir;    // the console's patch download directory
  std::string datafiles_dir;  // the console's engines and definition files
};

// One source folder and its target folder.
struct ComponentRoot {
  std::string component;    // "patches" or "core"
  std::string source_root;  // console folder
  std::string target_dir;   // relative to the server root ("Patches")
  std::string target_root;  // server root + "/" + target_dir
};

// The roots `component` ("patches", "core" or "all") covers on `server`. invalid_argument for
// an unknown component or a server without a root path.
Result<std::vector<ComponentRoot>> resolve_components(const ConsoleLayout& layout,
                                                      const ServerSpec& server,
                                                      const std::string& component);

// True when jobs for these two components would write into the same folder of one server.
bool components_overlap(const std::string& a, const std::string& b);

}  // namespace distsync
