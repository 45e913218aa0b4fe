// Source: a place files are downloaded from — a directory (or file:// URL) or an http(s) site.
//
// A Source lists its files (load_manifest) and streams the bytes of one of them from an
// offset (read). It does not write anything locally; the entry fetcher owns temp files and
// installs. One Source serves one thread at a time (the HTTP one reuses its connection).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "daemon/fetch/fetch_options.h"
#include "daemon/fetch/source_manifest.h"
#include "events/result.h"

namespace distsync {

// How one read ended. Retryable failures (dropped connection, timeout, HTTP 5xx) may be
// continued from the bytes already received; failed ones will not get better by retrying.
struct ReadOutcome {
  enum class Kind { kDone, kRetryable, kFailed, kCancelled };
  Kind kind = Kind::kDone;
  std::string message;  // empty when kDone
  // The server refused the range asked for (HTTP 416): the caller should start from zero.
  bool range_refused = false;
  // The HTTP status of the last response, 0 if none (or not HTTP).
  long http_status = 0;
};

// Called once before the first body byte, with the offset the body starts at: the offset
// asked for, or 0 when the source ignores ranges and resends the whole file. A non-ok Status
// aborts the read as kFailed with its message.
using ReadStart = std::function<Status(std::uint64_t start)>;
// Called with each chunk of body bytes, in order. A non-ok Status aborts as kFailed.
using ReadChunk = std::function<Status(const char* data, std::size_t len)>;

class Source {
 public:
  virtual ~Source() = default;

  // The published manifest, or for a directory without one, a manifest built by hashing it.
  // invalid_argument if malformed, not_found/unavailable/io_error if it cannot be had.
  virtual Result<SourceManifest> load_manifest() = 0;

  // Streams `entry.path` from byte `offset` to its end into on_start/on_chunk.
  // REQUIRES: check_source_entry(entry).is_ok().
  virtual ReadOutcome read(const SourceEntry& entry, std::uint64_t offset,
                           const ReadStart& on_start, const ReadChunk& on_chunk) = 0;

  // How the source is named in messages: its directory or root URL.
  virtual const std::string& describe() const = 0;
};

// Opens the source named by `spec` (see source_location.h). `options` supplies timeouts,
// attempts and the cancel flag; it (and *options.cancel) must outlive the Source.
Result<std::unique_ptr<Source>> open_source(const std::string& spec, const FetchOptions& options);

}  // namespace distsync
