// The auditor's op over the control endpoint, for a remote auditor who cannot read the data
// dir (docs/protocol.md, docs/audit.md):
//   "audit.export" {format?: "jsonl"|"csv", since_us?, until_us?, signed?: bool (true)}
//       -> {"text": <the export, exactly what `distsync export` writes locally>,
//           "records": N, "first_seq": N, "last_seq": N, "signed": bool}
// Signed exports are sealed with the console's checkpoint key under `data_dir`, so a
// remote export verifies like a local one. The whole export is one reply: a range of more
// than kMaxRemoteExportRecords events is refused, naming the fix (narrow it with
// since/until). `log` must outlive the router's use.
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
