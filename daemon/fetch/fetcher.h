// Fetcher: brings a destination directory up to date with a download source.
//
// "Refresh files" points it at the engines/definitions source and the console's DataFiles
// directory; a patch download at the patch source and the Patches directory, usually with an
// `only` filter. Entries are fetched one at a time, in manifest order, on the caller's thread.
// Only new or changed files are transferred. A file that fails is named in the report and the
// others still proceed; nothing is ever left under a final name that was not checked, and
// nothing outside `dest_dir` is written. Not thread-safe to run twice on one dest_dir at once.
#pragma once

#include <string>

#include "daemon/fetch/fetch_options.h"
#include "daemon/fetch/source.h"
#include "daemon/fetch/source_manifest.h"
#include "events/result.h"

namespace distsync {

// Fetches `source` (a directory, or the file:// or http(s):// URL of the source root) into
// `dest_dir`, which is created if missing. A non-ok Result means nothing was attempted: the
// source spec is bad (invalid_argument), its manifest is malformed (invalid_argument) or cannot
// be had (not_found/unavailable/io_error), or dest_dir cannot be created (io_error).
// Per-file failures and cancellation are in the FetchReport.
Result<FetchReport> fetch_all(const std::string& source, const std::string& dest_dir,
                              const FetchOptions& options);

// The same, for a manifest already loaded from `source`. REQUIRES: dest_dir exists.
FetchReport fetch_manifest(Source& source, const SourceManifest& manifest,
                           const std::string& dest_dir, const FetchOptions& options);

}  // namespace distsync
