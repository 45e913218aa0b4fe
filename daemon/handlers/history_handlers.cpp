#include "daemon/handlers/history_handlers.h"

#include "daemon/handlers/request_args.h"
#include "daemon/history/acknowledgements.h"
#include "daemon/history/history_query.h"
#include "daemon/history/job_timeline.h"
#include "daemon/wall_clock.h"
#include "events/codec.h"

namespace distsync {
void register_history_handlers(RequestRouter& router, EventLog& log, std::string time_zone) {
  router.add("history.query",
             [&log, time_zone](const nlohmann::json& args) -> Result<nlohmann::json> {
               auto filter = parse_history_filter(args, wall_clock_us(), time_zone);
               if (!filter.ok()) return filter.status();
               auto page = query_history(log, *filter);
               if (!page.ok()) return page.status();
               nlohmann::json events = nlohmann::json::array();
               for (const Event& e : page->events)
                 events.push_back(nlohmann::json::parse(to_json(e)));
               auto acks = acknowledgements_of(log, page->events);
               if (!acks.ok()) return acks.status();
               return nlohmann::json{{"events", std::move(events)},
                                     {"servers", page->servers},
                                     {"acknowledged", acknowledgements_json(*acks)},
                                     {"head", page->head},
                                     {"more", page->more}};
             });

  router.add("history.job", [&log](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto job = required_string(args, "job");
    if (!job.ok()) return job.status();
    const std::string& id = *job;
    auto events = events_of_job(log, id);
    if (!events.ok()) return events.status();
    if (events->empty()) return Status::not_found("no events for job '" + id + "'");
    return timeline_json(build_job_timeline(id, *events));
  });
}

}  // namespace distsync
