// Control ops of the history read path (docs/protocol.md):
//   "history.query" {server?, job?, schedule?, console?, type?, since?, until?, since_us?,
//                    until_us?, after_seq?, limit?, newest?}
//       -> {"events": [<event JSON, events/codec.h>...], "head": N, "more": bool}
//   "history.job" {job} -> the job timeline (daemon/history/job_timeline.h, timeline_json)
// Local times in since/until are read in `time_zone`. `log` must outlive the router's use.
#pragma once

#include <string>

#include "daemon/request_router.h"
#include "events/log/event_log.h"

namespace distsync {

void register_history_handlers(RequestRouter& router, EventLog& log, std::string time_zone);

}  // namespace distsync
