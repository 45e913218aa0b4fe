// Export of the event log for auditors, as JSON Lines or CSV, optionally sealed by a signed
// checkpoint trailer.
//
// JSONL: one line per event, exactly the codec's to_json(event) (events/codec.h), so a verifier
//   rebuilds the event and recomputes its hash; a record written at an older schema version
//   also carries its stored bytes as a last member "stored_bytes" (events/audit/stored_bytes.h). Then, when signed, the checkpoint line
//   (events/audit/checkpoint.h), which signs both ends of the range: first seq and its
//   prev_hash, last seq and its hash.
// CSV (RFC 4180, CRLF): the header
//   seq,time,time_us,console,type,correlation,payload,prev_hash,hash,stored_bytes
//   then one row per event (stored_bytes empty but for a record of an older schema version;
//   the verifier also reads the header of earlier builds, without that column): `time` is time_us as ISO 8601 UTC with microseconds (for humans;
//   the verifier checks it agrees with time_us), `payload` is payload_to_json(payload). Then,
//   when signed, the row
//   #checkpoint,v2,first_seq,first_prev_hash,seq,hash,time_us,console,public_key,signature.
// The range is streamed with scan_records: memory use does not grow with its length. The
// export reads one consistent range (the head as of the start); appends during it are left
// out. It refuses to export past a record that breaks the hash chain, so it never signs one.
// Thread-safe as far as `log` is; `out` is the caller's and is written from this thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "events/audit/checkpoint.h"
#include "events/log/event_log.h"

namespace distsync {

enum class ExportFormat { kJsonl, kCsv, kAuto /* verify only: detect from the first line */ };

struct ExportOptions {
  ExportFormat format = ExportFormat::kJsonl;
  std::optional<std::int64_t> since_us;  // inclusive: events with time_us >= since_us
  std::optional<std::int64_t> until_us;  // exclusive: events with time_us < until_us
  std::optional<std::uint64_t> from_seq;  // inclusive
  std::optional<std::uint64_t> to_seq;    // inclusive
  // Paging (a remote export carried in several replies, docs/protocol.md "audit.export"):
  // `header` false leaves out the CSV header (a later page); `chain_from` (< the range's
  // first seq) makes the export continue one that began there: the records chain_from ..
  // first-1 are read and their chain checked but not written, the first written record must
  // link to them, and the checkpoint, when signed, covers chain_from .. last. A page passes
  // first-1 (so pages chain to each other); the last page of a signed export passes the
  // export's first seq (so nothing is signed whose chain was not checked in the same call).
  bool header = true;
  std::optional<std::uint64_t> chain_from;
  // When set, a checkpoint signed by this key closes the export. Must outlive the call.
  const CheckpointKey* key = nullptr;
  std::string console;                     // the signing console, stamped on the checkpoint
  std::function<std::int64_t()> clock_us;  // checkpoint time; the system clock when empty
};

struct SeqRange {
  std::uint64_t first = 1;
  std::uint64_t last = 0;  // first > last: empty
  bool empty() const { return first > last; }
};

struct ExportSummary {
  SeqRange range;  // what was written (chain_from .. first-1 were only checked)
  std::uint64_t records = 0;
  Hash256 first_prev_hash{};  // prev_hash of the first written record
  Hash256 head_hash{};  // hash of the last exported record
  bool signed_ = false;
};

// The seq range the options select from the log as it is now (intersection of the time and
// seq bounds, clipped to the log).
[[nodiscard]] Result<SeqRange> resolve_export_range(EventLog& log, const ExportOptions& opt);

// Writes the export to `out`. `summary`, when given, is filled in.
[[nodiscard]] Status export_log(EventLog& log, const ExportOptions& opt, std::ostream& out,
                                ExportSummary* summary = nullptr);

inline constexpr std::string_view kCsvHeader =
    "seq,time,time_us,console,type,correlation,payload,prev_hash,hash,stored_bytes";
// The header of exports made before stored_bytes: still verified.
inline constexpr std::string_view kCsvHeaderWithoutStoredBytes =
    "seq,time,time_us,console,type,correlation,payload,prev_hash,hash";

}  // namespace distsync
