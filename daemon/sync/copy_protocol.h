// The copy protocol between the dispatcher (a ZeroMQ ROUTER) and copy workers (DEALERs).
//
// Every message is three frames after the ROUTER's identity frame: the tag "DSCOPY2", a verb
// and a JSON object. docs/sync.md gives the grammar and the conversation. This file is the
// codec only: pure functions over value types, no sockets. Frames come from other processes,
// so decode() trusts nothing: an unknown verb, bad JSON or a missing or mistyped field is
// invalid_argument, never a crash. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "events/result.h"

namespace distsync {

inline constexpr std::string_view kCopyProtocolTag = "DSCOPY2";

// worker -> dispatcher: ready for a task (sent on connect).
struct ReadyMsg {
  std::string worker;  // a name for logs
  std::int64_t pid = 0;
  bool operator==(const ReadyMsg&) const = default;
};

// worker -> dispatcher, every heartbeat interval: alive; `busy` is the dispatch it runs (0 idle).
struct HeartbeatMsg {
  std::uint64_t busy = 0;
  bool operator==(const HeartbeatMsg&) const = default;
};

// One file of a task.
struct TaskFile {
  std::string source;  // full paths
  std::string target;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string sha256;  // expected content (manifest), lower-case hex
  bool operator==(const TaskFile&) const = default;
};

// dispatcher -> worker: copy a batch of files (one server, one job) atomically, with one
// durability barrier for the batch (docs/sync.md).
struct TaskMsg {
  std::uint64_t dispatch = 0;   // unique per hand-out; a re-dispatch gets a new one
  std::vector<TaskFile> files;  // at least one
  bool verify = false;
  std::uint64_t bandwidth_bps = 0;  // 0 = unlimited
  std::string limit_key;            // tasks with one key share one limiter in a worker process
  // Where the files go when that is not this host's file system: the server's root as typed
  // (smb://... or \\host\share) and its credential's name, never a secret; files' targets
  // are then relative to it. Both empty (and absent from the frame): full local paths.
  std::string target_root;
  std::string credential;
  // Set by dispatchers that divide a server's limit among its tasks in flight: then
  // bandwidth_bps is this task's own share (its own limiter, not limit_key's), and RATE
  // frames change it while the task runs. Absent from the frame when false.
  bool rate_share = false;
  bool operator==(const TaskMsg&) const = default;
};

// How one file of a task ended.
struct FileResult {
  bool ok = false;
  // "none", "no_space", "permission_denied", "source_vanished", "io_error", "verify_mismatch",
  // "cancelled"
  std::string failure = "none";
  std::string message;
  std::uint64_t bytes = 0;
  std::string sha256;  // verified hash, when verify was set
  bool operator==(const FileResult&) const = default;
};

// worker -> dispatcher: how a task ended. Implies the worker is ready again. `files` holds
// one result per task file, in task order; when it is empty (a worker that refused the
// task, e.g. busy) `failure` and `message` apply to every file.
struct ResultMsg {
  std::uint64_t dispatch = 0;
  std::string failure = "none";  // the task's, when it did not run at all
  std::string message;
  std::vector<FileResult> files;
  bool operator==(const ResultMsg&) const = default;
};

// dispatcher -> worker: stop the task `dispatch` (temp removed); a RESULT "cancelled" follows.
struct CancelMsg {
  std::uint64_t dispatch = 0;
  bool operator==(const CancelMsg&) const = default;
};

// worker -> dispatcher, while the task `dispatch` runs: `bytes` written to the target so far
// (all files of the task, temps included; not durable yet). Throttled by the worker; never
// decreases within one dispatch. Live progress only: RESULT still decides what was copied.
struct ProgressMsg {
  std::uint64_t dispatch = 0;
  std::uint64_t bytes = 0;
  bool operator==(const ProgressMsg&) const = default;
};

// dispatcher -> worker: the task `dispatch` (a rate_share TASK) copies at `bandwidth_bps`
// from now on (0 = unlimited). Sent when the server's tasks in flight change in number.
struct RateMsg {
  std::uint64_t dispatch = 0;
  std::uint64_t bandwidth_bps = 0;
  bool operator==(const RateMsg&) const = default;
};

using CopyMessage =
    std::variant<ReadyMsg, HeartbeatMsg, TaskMsg, ResultMsg, CancelMsg, ProgressMsg, RateMsg>;

struct EncodedMessage {
  std::string verb;  // "READY", "HEARTBEAT", "TASK", "RESULT", "CANCEL", "PROGRESS", "RATE"
  std::string body;  // JSON object
};

EncodedMessage encode_copy_message(const CopyMessage& message);
Result<CopyMessage> decode_copy_message(std::string_view verb, std::string_view body);

}  // namespace distsync
