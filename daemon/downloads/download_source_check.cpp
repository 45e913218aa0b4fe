#include "daemon/downloads/download_source_check.h"

#include "daemon/fetch/source_location.h"

namespace distsync {
namespace {

// The authority of "scheme://authority/path"; empty when `spec` has no "://".
std::string_view authority_of(std::string_view spec) {
  auto scheme_end = spec.find("://");
  if (scheme_end == std::string_view::npos) return {};
  std::string_view rest = spec.substr(scheme_end + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

}  // namespace

bool valid_download_kind(std::string_view kind) { return kind == "refresh" || kind == "patches"; }

Status check_download_source(std::string_view spec) {
  const std::string shown(spec);
  if (authority_of(spec).find('@') != std::string_view::npos) {
    return Status::invalid_argument(
        "the download source carries credentials and secrets never go into events; give the "
        "URL without "
        "user:password@ (credentials belong outside the log, in a netrc file named by the "
        "config; this version serves only sources that need none)");
  }
  Result<SourceLocation> location = parse_source_location(spec);
  if (!location.ok()) return location.status();
  if (location->kind == SourceLocation::Kind::kDirectory && location->root.front() != '/') {
    return Status::invalid_argument("download source '" + shown +
                                    "' is a relative directory; give an absolute path, a "
                                    "file:// URL or an http(s):// URL");
  }
  return Status::ok();
}

}  // namespace distsync
