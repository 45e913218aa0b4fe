#include "daemon/fetch/http_source.h"

#include "daemon/fetch/retry_policy.h"

namespace distsync {
namespace {

// A manifest lists paths, sizes and digests; anything this large is not one.
constexpr std::size_t kMaxManifestBytes = 64u << 20;

}  // namespace

HttpSource::HttpSource(SourceLocation location, const FetchOptions& options)
    : location_(std::move(location)),
      options_(options),
      client_(options.connect_timeout_ms, options.stall_timeout_ms, options.cancel) {}

Result<SourceManifest> HttpSource::load_manifest() {
  std::string url = http_url_for(location_, kSourceManifestName);
  int attempts = std::max(1, options_.max_attempts);
  ReadOutcome outcome;
  std::string body;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1 && !wait_before_retry(options_, attempt - 1)) break;
    body.clear();
    outcome = client_.get(
        url, 0,
        [&](std::uint64_t) {
          body.clear();
          return Status::ok();
        },
        [&](const char* data, std::size_t len) {
          if (body.size() + len > kMaxManifestBytes) {
            return Status::invalid_argument(url + " is larger than 64 MiB; not a manifest");
          }
          body.append(data, len);
          return Status::ok();
        });
    if (outcome.kind != ReadOutcome::Kind::kRetryable) break;
  }
  if (is_cancelled(options_)) return Status::unavailable("fetch of " + url + " cancelled");
  switch (outcome.kind) {
    case ReadOutcome::Kind::kDone: {
      Result<SourceManifest> manifest = parse_source_manifest(body);
      if (!manifest.ok()) return Status::invalid_argument(url + ": " + manifest.status().message());
      return manifest;
    }
    case ReadOutcome::Kind::kCancelled:
      return Status::unavailable("fetch of " + url + " cancelled");
    case ReadOutcome::Kind::kRetryable:
      return Status::unavailable(outcome.message + " (gave up after " + std::to_string(attempts) +
                                 " attempts)");
    case ReadOutcome::Kind::kFailed:
      if (outcome.http_status == 404) {
        return Status::not_found("source " + location_.root + " publishes no " +
                                 std::string(kSourceManifestName) +
                                 " (HTTP 404); publish one as docs/download-manifest.md describes");
      }
      return Status::unavailable(outcome.message);
  }
  return Status::unavailable(outcome.message);
}

ReadOutcome HttpSource::read(const SourceEntry& entry, std::uint64_t offset,
                             const ReadStart& on_start, const ReadChunk& on_chunk) {
  return client_.get(http_url_for(location_, entry.path), offset, on_start, on_chunk);
}

}  // namespace distsync
