// Downloads: which downloads to the console are running (R6), and how the last ones ended.
//
// A download runs from DownloadStarted until DownloadCompleted or DownloadFailed. Finished
// downloads are persisted and evicted from memory. Pure fold; value type.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "events/event.h"
#include "projections/entity_store.h"

namespace distsync {

struct DownloadRecord {
  std::string id;
  std::string kind;  // "refresh" or "patches"
  std::string source;
  std::string console;
  std::string trigger;
  std::string schedule_id;
  std::vector<std::string> only;
  std::string status = "running";  // "running", "completed", "failed"
  std::int64_t started_us = 0, finished_us = 0;
  std::uint64_t files_fetched = 0, files_skipped = 0, bytes_fetched = 0;
  std::string reason;

  bool operator==(const DownloadRecord&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<DownloadRecord>(version);
    ar(id, kind, source, console, trigger, schedule_id, only, status, started_us, finished_us,
       files_fetched, files_skipped, bytes_fetched, reason);
  }
};

struct DownloadSource {
  std::string kind;
  std::string source;
  bool operator==(const DownloadSource&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<DownloadSource>(version);
    ar(kind, source);
  }
};

struct DownloadState {
  EntityStore<DownloadRecord> downloads{"download/", "download-done/"};
  EntityStore<DownloadSource> sources{"download-source/"};  // by kind; unset = config default

  std::vector<const DownloadRecord*> running() const;
  const DownloadRecord* find(const std::string& id) const { return downloads.find(id); }
  // Finished downloads live only in the table.
  static bool read_finished(StateTable& table, const std::string& id, DownloadRecord* out);
  static void scan_finished(StateTable& table,
                            const std::function<bool(const DownloadRecord&)>& fn);
};

void apply(DownloadState& state, const Event& e);

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::DownloadRecord, 1);
CEREAL_CLASS_VERSION(distsync::DownloadSource, 1);
