#include "daemon/commands/rate_sources.h"

#include <optional>

#include "projections/calendar/iso_time.h"

namespace distsync {
namespace {

std::optional<RatePlanSource> source_of(std::string kind, std::string name, const std::string& text,
                                        const std::string& zone_name, std::uint64_t fallback) {
  auto plan = parse_bandwidth_plan(text);
  auto zone = TimeZone::locate(zone_name.empty() ? "UTC" : zone_name);
  if (!plan.ok() || !zone.ok()) return std::nullopt;
  return RatePlanSource{std::move(kind), std::move(name), std::move(*plan), *zone, fallback};
}

}  // namespace

std::vector<RatePlanSource> rate_sources(const ProjectedState& state, const ServerSpec& server) {
  std::vector<RatePlanSource> out;
  auto own = source_of("server", server.name, server.bandwidth_plan, server.plan_zone,
                       server.bandwidth_limit_bps);
  if (!own) own = source_of("server", server.name, "", "", server.bandwidth_limit_bps);
  out.push_back(std::move(*own));
  for (const std::string& name : state.groups.groups_of(server.name)) {
    const GroupRecord* g = state.groups.find(name);
    if (g == nullptr || g->bandwidth_plan.empty()) continue;
    if (auto s = source_of("group", name, g->bandwidth_plan, g->plan_zone, 0)) out.push_back(std::move(*s));
  }
  return out;
}

bool has_plan(const std::vector<RatePlanSource>& sources) {
  for (const RatePlanSource& s : sources) {
    if (!s.plan.empty()) return true;
  }
  return false;
}

std::string closed_reason(const std::string& server, const RateInForce& rate) {
  std::string until = "later";
  if (rate.next_change_us) {
    auto local = format_local_iso(*rate.next_change_us, rate.zone);
    until = local.ok() ? *local + " (" + rate.zone + ")" : format_utc_iso(*rate.next_change_us);
  }
  std::string where = rate.kind == "group" ? " of group '" + rate.name + "'" : "";
  return "server '" + server + "' is in the closed window '" + rate.window + "'" + where +
         " until " + until;
}

}  // namespace distsync
