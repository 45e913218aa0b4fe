#include "daemon/downloads/download_source_check.h"

#include "daemon/content/normal_path.h"
#include "daemon/fetch/source_location.h"

namespace distsync {
bool valid_download_kind(std::string_view kind) { return kind == "refresh" || kind == "patches"; }

Status check_download_source(std::string_view spec) {
  // parse_source_location refuses user info, query strings and fragments before it shows
  // the spec anywhere, and validates the path (NormalPath).
  Result<SourceLocation> location = parse_source_location(spec);
  if (!location.ok()) return location.status();
  if (location->kind == SourceLocation::Kind::kDirectory && location->root.front() != '/') {
    return Status::invalid_argument("download source '" + shown(spec) +
                                    "' is a relative directory; give an absolute path, a "
                                    "file:// URL or an http(s):// URL");
  }
  return Status::ok();
}

}  // namespace distsync
