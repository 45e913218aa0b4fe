// Stored bytes: how an export carries a record that this build would encode differently.
//
// A verifier rebuilds each event from its exported fields and recomputes its hash from the
// canonical bytes (events/codec.h). That holds for every record written at the schema
// versions this build writes. A record written before a type's version went up (ServerSpec 2
// before 3, SyncQueued 1 before 2) decodes into today's struct, and re-encoding it writes
// today's version and fields: other bytes, another hash, so an untouched pre-upgrade record
// would be reported altered. For such a record the export also carries its stored canonical
// bytes, as hex ("stored_bytes" in JSONL, the stored_bytes column in CSV). The verifier then
// checks the hash over those bytes, and that they decode to exactly the exported fields, so
// neither the fields nor the bytes can be edited alone.
// Stateless functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "events/event.h"
#include "events/status.h"

namespace distsync {

inline constexpr std::string_view kStoredBytesField = "stored_bytes";

// The hex of `record`'s canonical bytes when they differ from what this build encodes for
// `decoded` (decode_record(record)); empty when they are the same. `scratch` is reused.
std::string stored_bytes_hex(std::string_view record, const Event& decoded, std::string* scratch);

// For an event rebuilt from an export line that carried `hex`: ok when `hex` is well formed,
// hashes with e.prev_hash to e.hash, and decodes to an event equal to `e`; otherwise
// corruption saying which.
Status check_stored_bytes(const Event& e, std::string_view hex);

}  // namespace distsync
