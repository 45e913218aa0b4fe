#include "daemon/handlers/rate_plan_handlers.h"

#include "daemon/handlers/request_args.h"
#include "daemon/handlers/server_handlers.h"
#include "daemon/commands/rate_sources.h"
#include "projections/calendar/iso_time.h"

namespace distsync {

void register_rate_plan_handlers(RequestRouter& router, CommandRunner& runner,
                                 std::function<std::int64_t()> clock_us) {
  router.add("server.show", [&runner, clock_us](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto name = required_string(args, "name");
    if (!name.ok()) return name.status();
    struct Shown {
      ServerRecord record;
      std::vector<RatePlanSource> sources;
    };
    auto rec = runner.read([&](const ProjectedState& st) -> Result<Shown> {
      const ServerRecord* r = st.servers.find(*name);
      if (r == nullptr) return Status::not_found("no server named '" + *name + "'");
      return Shown{*r, rate_sources(st, r->spec)};
    });
    if (!rec.ok()) return rec.status();
    const std::int64_t now = clock_us();
    RateInForce p = rate_in_force(rec->sources, now);
    nlohmann::json rate{{"closed", p.closed}, {"bandwidth_bps", p.bps}, {"source", p.window},
                        {"set_by", {{"kind", p.kind}, {"name", p.name}}},
                        {"zone", p.zone}, {"at_us", now}};
    if (p.next_change_us) {
      rate["next_change_us"] = *p.next_change_us;
      auto local = format_local_iso(*p.next_change_us, p.zone);
      if (local.ok()) rate["next_change_local"] = *local;
    }
    nlohmann::json groups = nlohmann::json::array();
    for (const RatePlanSource& s : rec->sources) {
      if (s.kind == "group") groups.push_back(s.name);
    }
    rate["group_plans"] = groups;
    nlohmann::json j = server_json(rec->record);
    return nlohmann::json{{"server", j}, {"rate_now", rate}};
  });
}

}  // namespace distsync
