#include "daemon/handlers/rate_plan_handlers.h"

#include "daemon/handlers/request_args.h"
#include "daemon/handlers/server_handlers.h"
#include "projections/calendar/bandwidth_plan.h"
#include "projections/calendar/iso_time.h"

namespace distsync {

void register_rate_plan_handlers(RequestRouter& router, CommandRunner& runner,
                                 std::function<std::int64_t()> clock_us) {
  router.add("server.show", [&runner, clock_us](const nlohmann::json& args) -> Result<nlohmann::json> {
    auto name = required_string(args, "name");
    if (!name.ok()) return name.status();
    auto rec = runner.read([&](const ProjectedState& st) -> Result<ServerRecord> {
      const ServerRecord* r = st.servers.find(*name);
      if (r == nullptr) return Status::not_found("no server named '" + *name + "'");
      return *r;
    });
    if (!rec.ok()) return rec.status();
    const ServerSpec& spec = rec->spec;
    const std::string zone_name = spec.plan_zone.empty() ? "UTC" : spec.plan_zone;
    auto plan = parse_bandwidth_plan(spec.bandwidth_plan);
    auto zone = TimeZone::locate(zone_name);
    if (!plan.ok()) return plan.status();  // refused when recorded; only an older build's record
    if (!zone.ok()) return zone.status();
    const std::int64_t now = clock_us();
    PlanNow p = plan_at(*plan, *zone, now, spec.bandwidth_limit_bps);
    nlohmann::json rate{{"closed", p.closed}, {"bandwidth_bps", p.bps}, {"source", p.source},
                        {"zone", zone_name}, {"at_us", now}};
    if (p.next_change_us) {
      rate["next_change_us"] = *p.next_change_us;
      auto local = format_local_iso(*p.next_change_us, zone_name);
      if (local.ok()) rate["next_change_local"] = *local;
    }
    nlohmann::json j = server_json(*rec);
    return nlohmann::json{{"server", j}, {"rate_now", rate}};
  });
}

}  // namespace distsync
