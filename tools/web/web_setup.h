// What distsync-web decides before it serves: where the page's files are and whether the
// listen address is allowed. Pure apart from reading the file system.
#pragma once

#include <optional>
#include <string>

#include "events/result.h"

namespace distsync {

// The assets dir: `flag` if given, else "assets" beside the executable (the build tree),
// else "../share/distsync/web" from the executable's dir (an install). It must hold
// index.html; the error names every place looked at.
Result<std::string> find_assets_dir(const std::optional<std::string>& flag);

// Loopback only unless configured: a non-loopback `host` needs `allow_remote`.
Status check_listen_host(const std::string& host, bool allow_remote);

}  // namespace distsync
