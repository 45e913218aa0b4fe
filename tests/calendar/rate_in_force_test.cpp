// rate_in_force(): a server's own limit and plan combined with its groups' plans, with an
// injected instant: the strictest wins (closed, else the lowest non-zero rate), the source is
// named, and the next change skips the changes of one plan that another hides, across zones
// and DST changes (expected instants computed with std::chrono, independently of the code).
#include "projections/calendar/rate_in_force.h"

#include <gtest/gtest.h>

#include "tests/calendar/test_time.h"

namespace distsync::testing {
namespace {

constexpr std::uint64_t kMiB = 1ULL << 20;

RatePlanSource source(const std::string& kind, const std::string& name, const std::string& plan,
                      const std::string& zone, std::uint64_t fallback = 0) {
  auto p = parse_bandwidth_plan(plan);
  auto z = TimeZone::locate(zone);
  EXPECT_TRUE(p.ok()) << plan;
  EXPECT_TRUE(z.ok()) << zone;
  return RatePlanSource{kind, name, p.ok() ? *p : BandwidthPlan{}, *z, fallback};
}

TEST(RateInForceTest, TheLowerRateWinsAndTheNextChangeIsWhenTheCombinedRateDiffers) {
  // Summer: Berlin is UTC+2. The group's 2M workday window beats the server's 4M default.
  std::vector<RatePlanSource> s{source("server", "alpha", "* 4M", "UTC"),
                                source("group", "offices", "mon-fri 08:00-18:00 2M; * 0", "Europe/Berlin")};
  RateInForce day = rate_in_force(s, utc_us(2026, 6, 1, 8, 0));  // Monday 10:00 in Berlin
  EXPECT_FALSE(day.closed);
  EXPECT_EQ(day.bps, 2 * kMiB);
  EXPECT_EQ(day.kind, "group");
  EXPECT_EQ(day.name, "offices");
  EXPECT_EQ(day.window, "mon-fri 08:00-18:00 2m");
  EXPECT_EQ(day.zone, "Europe/Berlin");
  EXPECT_EQ(day.next_change_us, utc_us(2026, 6, 1, 16, 0));
  // After 18:00 in Berlin the group says unlimited, so the server's 4M is in force, until
  // Tuesday 08:00 in Berlin.
  RateInForce evening = rate_in_force(s, utc_us(2026, 6, 1, 16, 0));
  EXPECT_EQ(evening.bps, 4 * kMiB);
  EXPECT_EQ(evening.kind, "server");
  EXPECT_EQ(evening.name, "alpha");
  EXPECT_EQ(evening.window, "default");
  EXPECT_EQ(evening.next_change_us, utc_us(2026, 6, 2, 6, 0));
}

TEST(RateInForceTest, AnyClosedWindowClosesAndUnlimitedNeverBeatsALimit) {
  std::vector<RatePlanSource> s{source("server", "alpha", "", "UTC", 3 * kMiB),
                                source("group", "outer", "* 0", "UTC"),
                                source("group", "inner", "closed wed 12:00-13:00", "UTC")};
  RateInForce open = rate_in_force(s, utc_us(2026, 6, 3, 11, 0));  // Wednesday 11:00 UTC
  EXPECT_FALSE(open.closed);
  EXPECT_EQ(open.bps, 3 * kMiB);
  EXPECT_EQ(open.kind, "server");
  EXPECT_EQ(open.window, "server limit");
  EXPECT_EQ(open.next_change_us, utc_us(2026, 6, 3, 12, 0));
  RateInForce closed = rate_in_force(s, utc_us(2026, 6, 3, 12, 15));
  EXPECT_TRUE(closed.closed);
  EXPECT_EQ(closed.bps, 0u);
  EXPECT_EQ(closed.kind, "group");
  EXPECT_EQ(closed.name, "inner");
  EXPECT_EQ(closed.window, "closed wed 12:00-13:00");
  EXPECT_EQ(closed.next_change_us, utc_us(2026, 6, 3, 13, 0));

  // Nothing limits: unlimited, from the server.
  RateInForce none = rate_in_force({source("server", "alpha", "", "UTC", 0), source("group", "g", "* 0", "UTC")},
                                   utc_us(2026, 6, 3));
  EXPECT_EQ(none.bps, 0u);
  EXPECT_EQ(none.kind, "server");
  EXPECT_FALSE(none.next_change_us.has_value());
  // A tie names the first source (the server).
  RateInForce tie = rate_in_force({source("server", "alpha", "* 2M", "UTC"), source("group", "g", "* 2M", "UTC")},
                                  utc_us(2026, 6, 3));
  EXPECT_EQ(tie.kind, "server");
  EXPECT_FALSE(rate_in_force({}, utc_us(2026, 6, 3)).closed);
}

TEST(RateInForceTest, ChangesHiddenByAStricterSourceAreNoChange) {
  // The group's rates are all above the server's 1M: the combined rate never changes.
  std::vector<RatePlanSource> s{source("server", "alpha", "* 1M", "UTC"),
                                source("group", "g", "mon 08:00-09:00 2M; mon 09:00-10:00 5M; * 0", "UTC")};
  RateInForce r = rate_in_force(s, utc_us(2026, 6, 1, 7, 0));
  EXPECT_EQ(r.bps, kMiB);
  EXPECT_FALSE(r.next_change_us.has_value());
  // Two closed windows back to back in different sources: closed until the later one ends.
  std::vector<RatePlanSource> chained{source("server", "alpha", "closed sat 00:00-06:00; * 1M", "UTC"),
                                      source("group", "g", "closed sat 05:00-08:00", "UTC")};
  RateInForce sat = rate_in_force(chained, utc_us(2026, 6, 6, 1, 0));  // Saturday 01:00 UTC
  EXPECT_TRUE(sat.closed);
  EXPECT_EQ(sat.kind, "server");
  EXPECT_EQ(sat.next_change_us, utc_us(2026, 6, 6, 8, 0));
}

TEST(RateInForceTest, TwoZonesAcrossTheirDifferentDstChanges) {
  // 2026-03-23: New York is on EDT (UTC-4, since March 8), Berlin still on CET (UTC+1).
  std::vector<RatePlanSource> s{source("server", "nyc", "mon-fri 09:00-17:00 1M; * 0", "America/New_York"),
                                source("group", "emea", "mon-fri 08:00-18:00 2M; * 0", "Europe/Berlin")};
  RateInForce morning = rate_in_force(s, utc_us(2026, 3, 23, 12, 0));  // 08:00 NY, 13:00 Berlin
  EXPECT_EQ(morning.bps, 2 * kMiB);
  EXPECT_EQ(morning.kind, "group");
  EXPECT_EQ(morning.next_change_us, utc_us(2026, 3, 23, 13, 0));  // 09:00 EDT
  // From 09:00 EDT the server's 1M; Berlin's window ends at 18:00 CET (17:00 UTC) unseen; the
  // next change is 17:00 EDT, 21:00 UTC.
  RateInForce day = rate_in_force(s, utc_us(2026, 3, 23, 13, 0));
  EXPECT_EQ(day.bps, kMiB);
  EXPECT_EQ(day.kind, "server");
  EXPECT_EQ(day.zone, "America/New_York");
  EXPECT_EQ(day.next_change_us, utc_us(2026, 3, 23, 21, 0));
  // Berlin's spring jump (2026-03-29, 01:00 UTC): a group window from 02:30 starts at the jump.
  std::vector<RatePlanSource> jump{source("server", "alpha", "* 1M", "UTC"),
                                   source("group", "emea", "closed sun 02:30-04:00", "Europe/Berlin")};
  RateInForce before = rate_in_force(jump, utc_us(2026, 3, 28, 23, 30));
  EXPECT_FALSE(before.closed);
  EXPECT_EQ(before.next_change_us, utc_us(2026, 3, 29, 1, 0));
  RateInForce in = rate_in_force(jump, utc_us(2026, 3, 29, 1, 0));
  EXPECT_TRUE(in.closed);
  EXPECT_EQ(in.name, "emea");
  EXPECT_EQ(in.next_change_us, utc_us(2026, 3, 29, 2, 0));  // 04:00 CEST
  // Berlin's autumn fall-back (2026-10-25, 01:00 UTC): the repeated 02:00-02:30 is closed twice.
  std::vector<RatePlanSource> fall{source("server", "alpha", "* 1M", "UTC"),
                                   source("group", "emea", "closed sun 02:00-02:30", "Europe/Berlin")};
  RateInForce between = rate_in_force(fall, utc_us(2026, 10, 25, 0, 30));
  EXPECT_FALSE(between.closed);
  EXPECT_EQ(between.next_change_us, utc_us(2026, 10, 25, 1, 0));
  RateInForce second = rate_in_force(fall, utc_us(2026, 10, 25, 1, 10));
  EXPECT_TRUE(second.closed);
  EXPECT_EQ(second.next_change_us, utc_us(2026, 10, 25, 1, 30));
}

}  // namespace
}  // namespace distsync::testing
