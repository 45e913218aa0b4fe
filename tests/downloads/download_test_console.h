// A console's worth of log, projections and DownloadService over a temp dir, for the unit
// tests of daemon/downloads: start downloads as the control op would, and wait for their end
// on the log (no sleeps).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/commands/sync_commands.h"
#include "daemon/downloads/download_service.h"
#include "daemon/fetch/directory_source.h"
#include "events/log/lmdb_event_log.h"
#include "tests/downloads/temp_files.h"
#include "tests/fetch/fetch_test_util.h"

namespace distsync::testing {

using namespace std::chrono_literals;

// Fetch options for tests: no real waits between retries, short timeouts.
inline FetchOptions quick_fetch_options() {
  FetchOptions o;
  o.max_attempts = 3;
  o.connect_timeout_ms = 2000;
  o.stall_timeout_ms = 5000;
  o.sleep = [](std::chrono::milliseconds) {};
  return o;
}

struct TestConsole {
  // Opens the log under `root`/log; downloads land in `root`/Patches and `root`/DataFiles.
  explicit TestConsole(const std::string& root, std::function<std::int64_t()> clock_us = {},
                       FetchOptions fetch = quick_fetch_options())
      : root(root) {
    LmdbLogOptions o;
    o.dir = root + "/log";
    o.console = "c1";
    o.folder = &projections;
    o.clock_us = std::move(clock_us);
    log = std::move(LmdbEventLog::open(o)).value();
    EXPECT_TRUE(projections.refresh(*log).is_ok());
    DownloadServiceOptions so;
    so.console = "c1";
    so.patches_dir = patches_dir();
    so.datafiles_dir = datafiles_dir();
    so.fetch = std::move(fetch);
    so.poll = 50ms;
    service = std::make_unique<DownloadService>(*log, projections, so);
  }
  ~TestConsole() {
    service.reset();
    log->close();
  }

  std::string patches_dir() const { return root + "/console/Patches"; }
  std::string datafiles_dir() const { return root + "/console/DataFiles"; }

  // Appends DownloadStarted as "download.start" does; returns the download id.
  std::string start(const std::string& kind, const std::string& source,
                    std::vector<std::string> only = {}) {
    std::string id;
    auto r = log->execute([&](std::uint64_t, std::vector<EventDraft>* out) {
      return projections.with_state([&](const ProjectedState& s) {
        DownloadRequest req;
        req.kind = kind;
        req.source = source;
        req.only = only;
        return decide_download_start(s, req, out, &id);
      });
    });
    EXPECT_TRUE(r.ok()) << r.status().message();
    return id;
  }

  std::vector<Event> events() { return *log->read(1, UINT64_MAX, 100000); }

  // The event that ended download `id`, waiting on the log for up to `timeout`.
  std::optional<Event> wait_end(const std::string& id, std::chrono::milliseconds timeout = 20s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::uint64_t seen = 0;
    for (;;) {
      std::vector<Event> batch = *log->read(seen + 1, UINT64_MAX, 100000);
      for (const Event& e : batch) {
        seen = e.seq;
        if (e.correlation == id && (e.as<DownloadCompleted>() || e.as<DownloadFailed>())) return e;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      log->wait_for_append(seen, left);
    }
  }

  std::string root;
  ProjectionSet projections;
  std::unique_ptr<LmdbEventLog> log;
  std::unique_ptr<DownloadService> service;
};

// Publishes `dir`'s manifest as distsync-manifest.json inside it.
inline void publish_manifest(const std::string& dir) {
  auto m = build_directory_manifest(dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  write_file(dir + "/distsync-manifest.json", render_source_manifest(*m));
}

}  // namespace distsync::testing
