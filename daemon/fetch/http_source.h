// HttpSource: a download source served over http:// or https://.
//
// The manifest must be published at `<root>/distsync-manifest.json`; a file's bytes are at
// `<root>/<path>` with each path component percent-encoded. Fetching the manifest is retried
// with backoff like any file. One thread at a time (it reuses one connection).
#pragma once

#include <string>

#include "daemon/fetch/http_client.h"
#include "daemon/fetch/source.h"
#include "daemon/fetch/source_location.h"

namespace distsync {

class HttpSource final : public Source {
 public:
  // `options` (and its cancel flag) must outlive this source.
  HttpSource(SourceLocation location, const FetchOptions& options);

  Result<SourceManifest> load_manifest() override;
  ReadOutcome read(const SourceEntry& entry, std::uint64_t offset, const ReadStart& on_start,
                   const ReadChunk& on_chunk) override;
  const std::string& describe() const override { return location_.root; }

 private:
  SourceLocation location_;
  const FetchOptions& options_;
  HttpClient client_;
};

}  // namespace distsync
