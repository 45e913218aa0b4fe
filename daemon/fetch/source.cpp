#include "daemon/fetch/source.h"

#include "daemon/fetch/directory_source.h"
#include "daemon/fetch/http_source.h"
#include "daemon/fetch/source_location.h"

namespace distsync {

Result<std::unique_ptr<Source>> open_source(const std::string& spec, const FetchOptions& options) {
  Result<SourceLocation> location = parse_source_location(spec);
  if (!location.ok()) return location.status();
  std::unique_ptr<Source> source;
  if (location->kind == SourceLocation::Kind::kHttp) {
    source = std::make_unique<HttpSource>(std::move(location).value(), options);
  } else {
    source = std::make_unique<DirectorySource>(std::move(location).value().root, options);
  }
  return source;
}

}  // namespace distsync
