// Names that may and may not travel from the console to a distribution server.
//
// A content path is relative to its content root, uses '/' as separator and must be safe to
// create on any target (including SMB shares read by Windows clients): no absolute path, no
// empty, "." or ".." component, no backslash, no control character. Download temp files
// (`.distsync-*` or `*.distsync-tmp`) are never content. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "events/status.h"

namespace distsync {

// Suffix of every temp file distsync writes; `remove_stale_temps` deletes files ending in it.
inline constexpr std::string_view kTempSuffix = ".distsync-tmp";
// Prefix reserved for distsync's own files inside a content tree (temps, probes).
inline constexpr std::string_view kReservedPrefix = ".distsync-";

// True when `name` (one path component) is a distsync temp or reserved file.
bool is_temp_name(std::string_view name);

// Ok when `rel` is a safe relative content path; otherwise invalid_argument whose message is
// the reason alone ("'..' component", "control character 0x0a", ...), suitable for
// RejectedEntry::reason.
Status check_content_path(std::string_view rel);

// root + "/" + rel, without doubling a trailing '/' on root.
std::string join_path(std::string_view root, std::string_view rel);

}  // namespace distsync
