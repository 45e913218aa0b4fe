#include "projections/calendar/rate_in_force.h"

namespace distsync {
namespace {

constexpr std::int64_t kHorizonUs = 8LL * 86400 * 1'000'000;

// A is stricter than B: closed beats open; a limit beats unlimited; a lower limit beats a higher.
bool stricter(const PlanNow& a, const PlanNow& b) {
  if (a.closed != b.closed) return a.closed;
  if (a.closed) return false;
  if (a.bps == 0) return false;
  return b.bps == 0 || a.bps < b.bps;
}

struct Combined {
  RateInForce rate;
  std::optional<std::int64_t> earliest_next_us;  // the earliest next change of any source
};

Combined combine(const std::vector<RatePlanSource>& sources, std::int64_t utc_us) {
  Combined c;
  std::optional<PlanNow> best;
  for (const RatePlanSource& s : sources) {
    PlanNow p = plan_at(s.plan, s.zone, utc_us, s.fallback_bps);
    if (p.next_change_us && (!c.earliest_next_us || *p.next_change_us < *c.earliest_next_us)) {
      c.earliest_next_us = p.next_change_us;
    }
    if (!best || stricter(p, *best)) {
      best = p;
      c.rate = RateInForce{p.closed, p.closed ? 0 : p.bps, s.kind, s.name, p.source, s.zone.name(),
                           std::nullopt};
    }
  }
  return c;
}

bool same(const RateInForce& a, const RateInForce& b) {
  return a.closed == b.closed && (a.closed || a.bps == b.bps);
}

}  // namespace

RateInForce rate_in_force(const std::vector<RatePlanSource>& sources, std::int64_t utc_us) {
  Combined now = combine(sources, utc_us);
  const std::int64_t horizon = utc_us + kHorizonUs;
  std::optional<std::int64_t> t = now.earliest_next_us;
  // Each step moves to a later change of some source, and the sources change finitely often
  // within the horizon; the bound only guards against a plan that would not.
  for (int step = 0; t && *t <= horizon && step < 4096; ++step) {
    Combined then = combine(sources, *t);
    if (!same(then.rate, now.rate)) {
      now.rate.next_change_us = *t;
      break;
    }
    t = then.earliest_next_us;
  }
  return now.rate;
}

}  // namespace distsync
