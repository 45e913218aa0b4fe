#include "daemon/downloads/download_outcome.h"

namespace distsync {

EventPayload download_outcome(const std::string& source, const Result<FetchReport>& fetched,
                              bool operator_cancelled) {
  if (!fetched.ok()) {
    if (operator_cancelled) return DownloadFailed{"cancelled by the operator", 0, 0, true};
    return DownloadFailed{"source " + source + ": " + fetched.status().message(), 0, 0, false};
  }
  const FetchReport& r = *fetched;
  if (r.cancelled || (operator_cancelled && !r.complete())) {
    return DownloadFailed{"cancelled by the operator", r.files_fetched, r.bytes_fetched, true};
  }
  if (r.complete()) {
    return DownloadCompleted{r.files_total, r.files_fetched, r.files_skipped, r.bytes_fetched};
  }
  std::string reason = std::to_string(r.failures.size()) + " of " + std::to_string(r.files_total) +
                       " files failed: ";
  for (std::size_t i = 0; i < r.failures.size() && i < kMaxNamedFailures; ++i) {
    if (i > 0) reason += "; ";
    reason += r.failures[i];
  }
  if (r.failures.size() > kMaxNamedFailures) {
    reason += "; and " + std::to_string(r.failures.size() - kMaxNamedFailures) + " more";
  }
  return DownloadFailed{reason, r.files_fetched, r.bytes_fetched, false};
}

}  // namespace distsync
