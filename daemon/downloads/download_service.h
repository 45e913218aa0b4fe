// DownloadService: runs this console's downloads to the console (Refresh files, patch
// downloads) as the log shows them, from DownloadStarted to their end.
//
// A supervisor thread watches the log. Every download the projection shows as running whose
// DownloadRecord.console is ours, and that has no thread yet, gets one: it fetches the
// record's source (with its `only` filter) into the console folder of its kind ("refresh" ->
// datafiles_dir, "patches" -> patches_dir) and appends DownloadCompleted or DownloadFailed
// (daemon/downloads/download_outcome.h). So a download started by the control op, fired by the
// scheduler, or left running by a crash all run the same way; after a crash the fetcher
// resumes the temp files the killed run left (HTTP Range), under the same download id.
//
// stop() (and the destructor) cancels running fetches without a final event: they stay
// running in the log and resume on the next start. cancel() is the operator's cancel and ends
// the download with DownloadFailed {cancelled}. Live progress is kept in memory only.
// `log` and `projections` (the log's Folder) must outlive the service. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "daemon/downloads/progress_meter.h"
#include "daemon/fetch/fetch_options.h"
#include "events/log/event_log.h"
#include "projections/projection_set.h"

namespace distsync {

struct DownloadServiceOptions {
  std::string console;  // only downloads started by this console run here
  std::string patches_dir;
  std::string datafiles_dir;
  // Timeouts, attempts, backoff and (for tests) sleep of every fetch. `only`, `cancel` and
  // `on_progress` are the service's own and are overwritten.
  FetchOptions fetch;
  // Longest the supervisor blocks on the log before re-checking.
  std::chrono::milliseconds poll{200};
};

class DownloadService {
 public:
  DownloadService(EventLog& log, const ProjectionSet& projections, DownloadServiceOptions options);
  ~DownloadService();
  DownloadService(const DownloadService&) = delete;
  DownloadService& operator=(const DownloadService&) = delete;

  // Starts the supervisor. REQUIRES: called at most once.
  void start();
  // Stops fetching and joins every thread; running downloads stay running in the log.
  void stop();

  // The operator's cancel. not_found for an unknown or finished download, conflict for
  // another console's. A download with a thread ends once its fetch stops; one without is
  // ended here.
  Status cancel(const std::string& download_id);

  // Live progress of a download this service is running right now.
  std::optional<DownloadProgress> progress(const std::string& download_id) const;

  // Where a download of `kind` lands: datafiles_dir for "refresh", patches_dir otherwise.
  const std::string& destination(const std::string& kind) const;

  class Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace distsync
