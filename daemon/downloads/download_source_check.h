// Download source checks: what an operator may record as a download location.
//
// A source is recorded in the log (DownloadSourceChanged), and the log is replicated to
// every reader of the history, so it must never carry a secret. Accepted: an absolute local
// directory, a file:// URL, or an http(s):// URL without user info. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "events/result.h"

namespace distsync {

// True for "refresh" and "patches".
bool valid_download_kind(std::string_view kind);

// ok, or invalid_argument naming `spec` and what to do instead: a relative directory, another
// scheme, or a URL with credentials ("user:pass@host") is refused.
Status check_download_source(std::string_view spec);

}  // namespace distsync
