// SourceLocation: where a download source lives, parsed from what a user configured.
//
// A source is a local directory ("/srv/patches" or "relative/dir"), a file:// URL naming one
// ("file:///srv/patches", "file://localhost/srv/patches", percent-escapes decoded), or the root
// of an http:// or https:// site. Value type; thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include "events/result.h"

namespace distsync {

struct SourceLocation {
  enum class Kind { kDirectory, kHttp };
  Kind kind = Kind::kDirectory;
  // kDirectory: the directory's path. kHttp: the URL of the root, without a trailing '/'.
  std::string root;
};

// invalid_argument naming `spec` if it is empty, a file:// URL for another host, or a URL of
// a scheme other than file, http and https; naming the cause if a directory (or the decoded
// path of a URL) is not a valid NormalPath (".." components, control characters, over-long
// names), or the URL holds a control character. A URL that carries a secret is refused by
// check_source_url_secrets() first, and then no message shows `spec`.
Result<SourceLocation> parse_source_location(std::string_view spec);

// ok, or invalid_argument if the URL `spec` carries user info ("user:pass@host"), a query
// string ("?token=...") or a fragment: any of them may hold a secret, and a source is
// recorded in the log. The message shows the URL without the refused part. Directories
// (no "://") pass.
Status check_source_url_secrets(std::string_view spec);

// The URL of `relative_path` under an http root: each component percent-encoded.
// REQUIRES: location.kind == kHttp.
std::string http_url_for(const SourceLocation& location, std::string_view relative_path);

}  // namespace distsync
