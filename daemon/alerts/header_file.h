// The headers a webhook rule adds to each POST, read from its `headers_file`: one
// "Name: value" per line; blank lines and lines starting with '#' are skipped.
//
// The file holds secrets (an Authorization header), so nothing read from it ever appears in
// an error, a log line or a reply: errors name the file and the line number only. Pure but
// for reading the file; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "events/result.h"

namespace distsync {

// The header lines as libcurl takes them ("Name: value"). invalid_argument for a missing or
// unreadable file or a malformed line (its number named, never its text).
Result<std::vector<std::string>> read_header_file(const std::string& path);

}  // namespace distsync
