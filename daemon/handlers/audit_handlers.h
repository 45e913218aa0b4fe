// The auditor's op over the control endpoint, for a remote auditor who cannot read the data
// dir (docs/protocol.md, docs/audit.md):
//   "audit.export" {format?: "jsonl"|"csv", since_us?, until_us?, signed?: bool (true)}
//       -> {"text": <the export, exactly what `distsync export` writes locally>,
//           "records": N, "first_seq": N, "last_seq": N, "signed": bool}
//   Paged (any size): {..., limit: 1..kMaxRemoteExportRecords, header?, from_seq?, to_seq?,
//   range_first?} -> the same, for at most `limit` events, plus {"next_seq" (0: done),
//   "range_last", "first_prev_hash", "last_hash"}. The first page resolves since/until; each
//   next one asks from_seq = next_seq, to_seq = range_last, range_first = the first page's
//   first_seq, header false. A later page is refused unless its first record links to the one
//   before it; only the last page carries the checkpoint, which signs range_first..range_last
//   after that page's call checked the chain over all of it.
// Signed exports are sealed with the console's checkpoint key under `data_dir`, so a
// remote export verifies like a local one. Without `limit` the whole export is one reply: a
// range of more than kMaxRemoteExportRecords events is refused, naming the fix (narrow it
// with since/until). `log` must outlive the router's use.
#pragma once

#include <cstdint>
#include <string>

#include "daemon/request_router.h"
#include "events/log/event_log.h"

namespace distsync {

inline constexpr std::uint64_t kMaxRemoteExportRecords = 1'000'000;

void register_audit_handlers(RequestRouter& router, EventLog& log, std::string data_dir,
                             std::string console_id);

}  // namespace distsync
