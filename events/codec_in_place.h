// The log record codec (events/codec.h) writing into and reading into buffers the caller
// owns, for the paths that handle records at volume: the log's writer encodes each record
// straight into the string it stores, and the bus decodes record after record into one Event.
// Same bytes, same checks as encode_record() and decode_record(). Thread-safe (per-thread
// scratch only).
#pragma once

#include <string>
#include <string_view>

#include "events/event.h"
#include "events/status.h"

namespace distsync {

// Appends canonical_bytes(e) to `out`.
void append_canonical_bytes(std::string* out, const Event& e);

// decode_record(record) into `*e`, reusing the storage of its strings. On failure *e holds a
// partly decoded event.
[[nodiscard]] Status decode_record_into(std::string_view record, Event* e);

}  // namespace distsync
