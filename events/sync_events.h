// Events of a sync job's lifecycle:
//   SyncQueued -> SyncDeferred* -> SyncStarted -> (FileCopied | FileCopyFailed)* ->
//   SyncCompleted | SyncFailed | SyncCancelled
// While it copies, a closed window of its server's bandwidth plan may pause it:
//   SyncPaused -> SyncResumed, one pair per window.
// The correlation id of the envelope is the job id. component is "core", "patches" or "all".
#pragma once

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "events/schema.h"

namespace distsync {

struct SyncQueued {
  static constexpr const char* kType = "SyncQueued";
  std::string server;
  std::string component;
  std::string trigger;      // "schedule", "catch-up", "manual" (Run now), "cli", "group", "repair"
  std::string schedule_id;  // empty unless a schedule caused it
  bool verify = false;
  bool prune = false;
  // Version 2: prune past the prune guard's limits; and, when not empty, copy only these
  // paths (relative to the server root), as a validation's --repair asks.
  bool force_prune = false;
  std::vector<std::string> only{};
  bool operator==(const SyncQueued&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<SyncQueued>(version);
    ar(CEREAL_NVP(server), CEREAL_NVP(component), CEREAL_NVP(trigger), CEREAL_NVP(schedule_id),
       CEREAL_NVP(verify), CEREAL_NVP(prune));
    if (version >= 2) ar(CEREAL_NVP(force_prune), CEREAL_NVP(only));
  }
};

// The job waits for a running download (R6).
struct SyncDeferred {
  static constexpr const char* kType = "SyncDeferred";
  std::string download_id;
  std::string reason;
  bool operator==(const SyncDeferred&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<SyncDeferred>(version);
    ar(CEREAL_NVP(download_id), CEREAL_NVP(reason));
  }
};

struct SyncStarted {
  static constexpr const char* kType = "SyncStarted";
  std::uint64_t files_total = 0;  // files to copy after the diff
  std::uint64_t bytes_total = 0;
  std::uint64_t files_up_to_date = 0;
  std::uint32_t attempt = 1;      // >1 when resumed after a restart
  bool operator==(const SyncStarted&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<SyncStarted>(version);
    ar(CEREAL_NVP(files_total), CEREAL_NVP(bytes_total), CEREAL_NVP(files_up_to_date),
       CEREAL_NVP(attempt));
  }
};

struct FileCopied {
  static constexpr const char* kType = "FileCopied";
  std::string path;  // relative to the server root
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string sha256;
  bool verified = false;
  bool operator==(const FileCopied&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<FileCopied>(version);
    ar(CEREAL_NVP(path), CEREAL_NVP(size), CEREAL_NVP(mtime_ns), CEREAL_NVP(sha256),
       CEREAL_NVP(verified));
  }
};

// cause is "no_space", "permission_denied", "io_error", "source_vanished" or "verify_mismatch".
struct FileCopyFailed {
  static constexpr const char* kType = "FileCopyFailed";
  std::string path;
  std::string cause;
  std::string message;
  std::uint32_t attempt = 1;
  std::uint32_t max_attempts = 1;
  std::int64_t next_retry_us = 0;  // 0 when no retry follows
  bool operator==(const FileCopyFailed&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<FileCopyFailed>(version);
    ar(CEREAL_NVP(path), CEREAL_NVP(cause), CEREAL_NVP(message), CEREAL_NVP(attempt),
       CEREAL_NVP(max_attempts), CEREAL_NVP(next_retry_us));
  }
};

struct SyncCompleted {
  static constexpr const char* kType = "SyncCompleted";
  std::uint64_t files_copied = 0;
  std::uint64_t bytes_copied = 0;
  std::uint64_t files_up_to_date = 0;
  std::uint64_t extras = 0;   // files on the server that the console does not have
  std::uint64_t pruned = 0;
  bool operator==(const SyncCompleted&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<SyncCompleted>(version);
    ar(CEREAL_NVP(files_copied), CEREAL_NVP(bytes_copied), CEREAL_NVP(files_up_to_date),
       CEREAL_NVP(extras), CEREAL_NVP(pruned));
  }
};

struct SyncFailed {
  static constexpr const char* kType = "SyncFailed";
  std::string reason;
  std::uint64_t files_copied = 0;
  std::uint64_t files_failed = 0;
  bool operator==(const SyncFailed&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<SyncFailed>(version);
    ar(CEREAL_NVP(reason), CEREAL_NVP(files_copied), CEREAL_NVP(files_failed));
  }
};

struct SyncCancelled {
  static constexpr const char* kType = "SyncCancelled";
  std::string reason;
  bool operator==(const SyncCancelled&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<SyncCancelled>(version);
    ar(CEREAL_NVP(reason));
  }
};

// A running job's queued batches are held by a closed window of its server's bandwidth plan
// (its batches in flight finish): the job pauses at a batch boundary. Recorded once per window.
struct SyncPaused {
  static constexpr const char* kType = "SyncPaused";
  std::string job;
  std::string server;
  std::string reason;         // "server 'X' is in the closed window '...' until <local time>"
  std::int64_t until_us = 0;  // when the window opens (UTC); 0 when not within 8 days
  bool operator==(const SyncPaused&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<SyncPaused>(version);
    ar(CEREAL_NVP(job), CEREAL_NVP(server), CEREAL_NVP(reason), CEREAL_NVP(until_us));
  }
};

// The paused job's batches are handed out again (the window opened).
struct SyncResumed {
  static constexpr const char* kType = "SyncResumed";
  std::string job;
  std::string server;
  std::int64_t paused_us = 0;  // how long it was paused
  bool operator==(const SyncResumed&) const = default;
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t const version) {
    require_known_version<SyncResumed>(version);
    ar(CEREAL_NVP(job), CEREAL_NVP(server), CEREAL_NVP(paused_us));
  }
};

}  // namespace distsync

CEREAL_CLASS_VERSION(distsync::SyncQueued, 2);
CEREAL_CLASS_VERSION(distsync::SyncDeferred, 1);
CEREAL_CLASS_VERSION(distsync::SyncStarted, 1);
CEREAL_CLASS_VERSION(distsync::FileCopied, 1);
CEREAL_CLASS_VERSION(distsync::FileCopyFailed, 1);
CEREAL_CLASS_VERSION(distsync::SyncCompleted, 1);
CEREAL_CLASS_VERSION(distsync::SyncFailed, 1);
CEREAL_CLASS_VERSION(distsync::SyncCancelled, 1);
CEREAL_CLASS_VERSION(distsync::SyncPaused, 1);
CEREAL_CLASS_VERSION(distsync::SyncResumed, 1);
