// Events about downloads of new content to the console (Refresh files, patch downloads).
//
// The correlation id of the envelope is the download id. kind is "refresh" (engines and
// definitions into the data-files directory) or "patches" (the patch download directory).
// A download "runs" from DownloadStarted until DownloadCompleted or DownloadFailed (R6).
#pragma once

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "events/schema.h"

namespace distsync {

struct DownloadStarted {
  static constexpr const char* kType = "DownloadStarted";
  std::string kind;
  std::string source;                // URL or directory, never with credentials in it
  std::vector<std::string> only;     // name filters, empty = everything
  std::string trigger;               // "manual", "schedule", "catch-up", "resume"
  std::string schedule_id;
  bool operator==(const DownloadStarted&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<DownloadStarted>(version);
    ar(CEREAL_NVP(kind), CEREAL_NVP(source), CEREAL_NVP(only), CEREAL_NVP(trigger),
       CEREAL_NVP(schedule_id));
  }
};

struct DownloadCompleted {
  static constexpr const char* kType = "DownloadCompleted";
  std::uint64_t files_total = 0;
  std::uint64_t files_fetched = 0;
  std::uint64_t files_skipped = 0;  // already present and identical
  std::uint64_t bytes_fetched = 0;
  bool operator==(const DownloadCompleted&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<DownloadCompleted>(version);
    ar(CEREAL_NVP(files_total), CEREAL_NVP(files_fetched), CEREAL_NVP(files_skipped),
       CEREAL_NVP(bytes_fetched));
  }
};

struct DownloadFailed {
  static constexpr const char* kType = "DownloadFailed";
  std::string reason;
  std::uint64_t files_fetched = 0;
  std::uint64_t bytes_fetched = 0;
  bool cancelled = false;
  bool operator==(const DownloadFailed&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<DownloadFailed>(version);
    ar(CEREAL_NVP(reason), CEREAL_NVP(files_fetched), CEREAL_NVP(bytes_fetched),
       CEREAL_NVP(cancelled));
  }
};

// The operator pointed a kind of download at a new source ("Tools > Options > Downloads").
// Sources never carry credentials: URLs with user info are refused before this is recorded.
struct DownloadSourceChanged {
  static constexpr const char* kType = "DownloadSourceChanged";
  std::string kind;
  std::string source;
  bool operator==(const DownloadSourceChanged&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<DownloadSourceChanged>(version);
    ar(CEREAL_NVP(kind), CEREAL_NVP(source));
  }
};

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::DownloadSourceChanged, 1);
CEREAL_CLASS_VERSION(distsync::DownloadStarted, 1);
CEREAL_CLASS_VERSION(distsync::DownloadCompleted, 1);
CEREAL_CLASS_VERSION(distsync::DownloadFailed, 1);
