// The copy protocol between the dispatcher (a ZeroMQ ROUTER) and copy workers (DEALERs).
//
// Every message is three frames after the ROUTER's identity frame: the tag "DSCOPY1", a verb
// and a JSON object. docs/sync.md gives the grammar and the conversation. This file is the
// codec only: pure functions over value types, no sockets. Frames come from other processes,
// so decode() trusts nothing: an unknown verb, bad JSON or a missing or mistyped field is
// invalid_argument, never a crash. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "events/result.h"

namespace distsync {

inline constexpr std::string_view kCopyProtocolTag = "DSCOPY1";

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

// dispatcher -> worker: copy one file atomically.
struct TaskMsg {
  std::uint64_t dispatch = 0;  // unique per hand-out; a re-dispatch gets a new one
  std::string source;          // full paths
  std::string target;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string sha256;  // expected content (manifest), lower-case hex
  bool verify = false;
  std::uint64_t bandwidth_bps = 0;  // 0 = unlimited
  std::string limit_key;            // tasks with one key share one limiter in a worker process
  bool operator==(const TaskMsg&) const = default;
};

// worker -> dispatcher: how a task ended. Implies the worker is ready again.
struct ResultMsg {
  std::uint64_t dispatch = 0;
  bool ok = false;
  // "none", "no_space", "permission_denied", "source_vanished", "io_error", "verify_mismatch",
  // "cancelled"
  std::string failure = "none";
  std::string message;
  std::uint64_t bytes = 0;
  std::string sha256;  // verified hash, when verify was set
  bool operator==(const ResultMsg&) const = default;
};

// dispatcher -> worker: stop the task `dispatch` (temp removed); a RESULT "cancelled" follows.
struct CancelMsg {
  std::uint64_t dispatch = 0;
  bool operator==(const CancelMsg&) const = default;
};

using CopyMessage = std::variant<ReadyMsg, HeartbeatMsg, TaskMsg, ResultMsg, CancelMsg>;

struct EncodedMessage {
  std::string verb;  // "READY", "HEARTBEAT", "TASK", "RESULT", "CANCEL"
  std::string body;  // JSON object
};

EncodedMessage encode_copy_message(const CopyMessage& message);
Result<CopyMessage> decode_copy_message(std::string_view verb, std::string_view body);

}  // namespace distsync
