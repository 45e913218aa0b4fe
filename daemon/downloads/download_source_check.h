// Download source checks: what an operator may record as a download location.
//
// A source is recorded in the log (DownloadSourceChanged), and the log is replicated to
// every reader of the history, so it must never carry a secret. Accepted: an absolute local
// directory, a file:// URL, or an http(s):// URL without user info, query string or fragment
// (any of them may hold a secret: "?token=..."), whose path is a valid NormalPath.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "events/result.h"

namespace distsync {

// True for "refresh" and "patches".
bool valid_download_kind(std::string_view kind);

// ok, or invalid_argument naming `spec` and what to do instead: a relative directory, another
// scheme, a path with "..", control characters or over-long names, or a URL that may carry a
// secret is refused. The refusal of a secret shows the URL without the refused part.
Status check_download_source(std::string_view spec);

}  // namespace distsync
