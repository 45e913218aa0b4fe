// Download outcome: the event that ends a download, decided from what the fetcher reported.
//
// A complete fetch is DownloadCompleted with its counts. A fetch the operator cancelled is
// DownloadFailed {cancelled = true}. Anything else is DownloadFailed whose reason names the
// source (when nothing could be attempted) or the files that failed and why. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "daemon/fetch/fetch_options.h"
#include "events/catalog.h"
#include "events/result.h"

namespace distsync {

// At most this many failed files are named in a reason; the rest are counted.
inline constexpr std::size_t kMaxNamedFailures = 5;

// `fetched` is what fetch_all() returned for `source`; `operator_cancelled` tells whether the
// operator asked for the cancel (a daemon stop is not an outcome and never gets here).
EventPayload download_outcome(const std::string& source, const Result<FetchReport>& fetched,
                              bool operator_cancelled);

}  // namespace distsync
