// Entry fetcher: brings one manifest entry up to date under a destination directory.
//
// A destination file already holding the published size and SHA-256 is left alone. Otherwise
// the bytes are streamed into the entry's PartialFile (resuming what an earlier attempt or run
// left there), checked against the manifest, and only then renamed into place. Retryable
// failures are retried with backoff and keep the temp file for a later run; a size or digest
// mismatch deletes it (after one restart from zero if the attempt had resumed, since a stale
// prefix is the likelier culprit). Synchronous; runs on the caller's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "daemon/fetch/fetch_options.h"
#include "daemon/fetch/source.h"
#include "daemon/fetch/source_manifest.h"
#include "events/result.h"

namespace distsync {

struct EntryFetch {
  bool skipped = false;  // the destination was already current
  bool resumed = false;  // continued from bytes an earlier attempt or run left in the temp file
  std::uint64_t bytes_transferred = 0;  // body bytes read from the source
  int attempts = 0;
};

// Called as bytes of this entry arrive, with how many of its bytes are now in place.
using EntryProgress = std::function<void(std::uint64_t entry_bytes_done)>;

// True if `<dest_dir>/<entry.path>` is a regular file with the entry's size and SHA-256.
// The size is compared first, so a changed file usually costs no read.
Result<bool> destination_is_current(const std::string& dest_dir, const SourceEntry& entry);

// Errors: invalid_argument for an unsafe entry; corruption for a size or SHA-256 mismatch;
// not_found/unavailable/io_error for a source or local failure; unavailable with message
// "cancelled" when options.cancel was set (the temp file is kept).
// `source`, `options` and `on_bytes` are borrowed for the call only; on_bytes may be empty.
Result<EntryFetch> fetch_entry(Source& source, const SourceEntry& entry,
                               const std::string& dest_dir, const FetchOptions& options,
                               const EntryProgress& on_bytes);

}  // namespace distsync
