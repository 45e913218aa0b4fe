// BandwidthPlan: the grammar and its refusals, and plan_at() with an injected instant: the
// rate in force and when it next changes, in Europe/Berlin across the March and October DST
// changes (expected instants computed with std::chrono, independently of the code).
#include "projections/calendar/bandwidth_plan.h"

#include <gtest/gtest.h>

#include "tests/calendar/test_time.h"

namespace distsync::testing {
namespace {

constexpr std::uint64_t kMiB = 1ULL << 20;

BandwidthPlan parse(const std::string& text) {
  auto p = parse_bandwidth_plan(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status().to_string();
  return p.ok() ? *p : BandwidthPlan{};
}

TimeZone zone(const std::string& name) {
  auto z = TimeZone::locate(name);
  EXPECT_TRUE(z.ok());
  return *z;
}

std::string refusal(const std::string& text) {
  auto p = parse_bandwidth_plan(text);
  EXPECT_FALSE(p.ok()) << text;
  return p.ok() ? "" : p.status().message();
}

TEST(BandwidthPlanTest, ParsesWindowsClosedEntriesAndTheDefault) {
  BandwidthPlan p = parse("Mon-Fri 08:00-18:00 2M; closed sat,sun 00:00-06:00; fri-mon 20:00-24:00 512K; * 0");
  ASSERT_EQ(p.windows.size(), 3u);
  EXPECT_EQ(p.windows[0].days, 0b0111110);  // mon..fri
  EXPECT_EQ(p.windows[0].bps, 2 * kMiB);
  EXPECT_TRUE(p.windows[1].closed);
  EXPECT_EQ(p.windows[1].days, 0b1000001);  // sun, sat
  EXPECT_EQ(p.windows[2].days, 0b1100011);  // fri, sat, sun, mon (wraps)
  EXPECT_EQ(p.windows[2].end_min, 24 * 60);
  ASSERT_TRUE(p.default_bps.has_value());
  EXPECT_EQ(*p.default_bps, 0u);
  EXPECT_TRUE(parse("").empty());
  EXPECT_EQ(parse("* 1M;").default_bps, kMiB);
}

TEST(BandwidthPlanTest, RefusesMalformedAndOverlappingWindowsNamingTheCause) {
  EXPECT_NE(refusal("mon-fri 08:00-18:00 2M; mon 12:00-13:00 1M").find("overlap on mon"), std::string::npos);
  EXPECT_NE(refusal("closed * 09:00-17:00; wed 16:00-18:00 1M").find("overlap on wed"), std::string::npos);
  EXPECT_NE(refusal("mon 18:00-08:00 1M").find("ends after it starts"), std::string::npos);
  EXPECT_NE(refusal("moon 08:00-09:00 1M").find("unknown day 'moon'"), std::string::npos);
  EXPECT_NE(refusal("mon 08:00-25:00 1M").find("'25:00' is not a time"), std::string::npos);
  EXPECT_NE(refusal("mon 08:00-09:00").find("needs a rate"), std::string::npos);
  EXPECT_NE(refusal("mon 08:00-09:00 fast").find("'fast' is not a rate"), std::string::npos);
  EXPECT_NE(refusal("closed sat 1M").find("closed window has no rate"), std::string::npos);
  EXPECT_NE(refusal("* 1M; * 2M").find("one default"), std::string::npos);
  EXPECT_NE(refusal("mon 08:00-09:00 1M;; * 0").find("empty entry"), std::string::npos);
  EXPECT_NE(refusal("mon 08:00-09:00 1M extra").find("unexpected 'extra'"), std::string::npos);
  Status z = validate_bandwidth_plan("* 0", "Mars/Olympus_Mons");
  EXPECT_EQ(z.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(z.message().find("unknown time zone"), std::string::npos) << z.message();
  EXPECT_TRUE(validate_bandwidth_plan("mon-fri 08:00-18:00 2M; * 0", "Europe/Berlin").is_ok());
}

TEST(BandwidthPlanTest, WorkdayWindowAcrossTheMarchChangeInBerlin) {
  const TimeZone berlin = zone("Europe/Berlin");
  const BandwidthPlan p = parse("mon-fri 08:00-18:00 2M; * 0");
  // Friday 2026-03-27 11:00 CET (UTC+1): the window, until 18:00 CET.
  PlanNow fri = plan_at(p, berlin, utc_us(2026, 3, 27, 10, 0), 7);
  EXPECT_FALSE(fri.closed);
  EXPECT_EQ(fri.bps, 2 * kMiB);
  EXPECT_EQ(fri.source, "mon-fri 08:00-18:00 2m");
  EXPECT_EQ(fri.next_change_us, utc_us(2026, 3, 27, 17, 0));
  // At 18:00 CET: unlimited (the default), until Monday 08:00, which is CEST (UTC+2) by then.
  PlanNow evening = plan_at(p, berlin, utc_us(2026, 3, 27, 17, 0), 7);
  EXPECT_EQ(evening.bps, 0u);
  EXPECT_EQ(evening.source, "default");
  EXPECT_EQ(evening.next_change_us, utc_us(2026, 3, 30, 6, 0));
}

TEST(BandwidthPlanTest, AnEdgeTheSpringGapSkipsTakesEffectAtTheJump) {
  const TimeZone berlin = zone("Europe/Berlin");
  // 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00 UTC; 02:30 never shows on the clock.
  const BandwidthPlan p = parse("sun 02:30-04:00 1M; * 0");
  PlanNow before = plan_at(p, berlin, utc_us(2026, 3, 28, 23, 30), 0);
  EXPECT_EQ(before.bps, 0u);
  EXPECT_EQ(before.next_change_us, utc_us(2026, 3, 29, 1, 0));
  PlanNow in = plan_at(p, berlin, utc_us(2026, 3, 29, 1, 0), 0);
  EXPECT_EQ(in.bps, kMiB);
  EXPECT_EQ(in.next_change_us, utc_us(2026, 3, 29, 2, 0));  // 04:00 CEST
}

TEST(BandwidthPlanTest, TheRepeatedAutumnHourIsInTheWindowBothTimes) {
  const TimeZone berlin = zone("Europe/Berlin");
  // 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00 UTC; 02:00-02:30 happens twice.
  const BandwidthPlan p = parse("sun 02:00-02:30 1M; * 0");
  PlanNow before = plan_at(p, berlin, utc_us(2026, 10, 24, 22, 0), 0);
  EXPECT_EQ(before.next_change_us, utc_us(2026, 10, 25, 0, 0));  // 02:00 CEST
  PlanNow first = plan_at(p, berlin, utc_us(2026, 10, 25, 0, 0), 0);
  EXPECT_EQ(first.bps, kMiB);
  EXPECT_EQ(first.next_change_us, utc_us(2026, 10, 25, 0, 30));
  PlanNow between = plan_at(p, berlin, utc_us(2026, 10, 25, 0, 30), 0);
  EXPECT_EQ(between.bps, 0u);
  EXPECT_EQ(between.next_change_us, utc_us(2026, 10, 25, 1, 0));  // 02:00 CET, the second time
  PlanNow second = plan_at(p, berlin, utc_us(2026, 10, 25, 1, 10), 0);
  EXPECT_EQ(second.bps, kMiB);
  EXPECT_EQ(second.next_change_us, utc_us(2026, 10, 25, 1, 30));
}

TEST(BandwidthPlanTest, ClosedWindowsFallbackAndAPlanThatNeverChanges) {
  const TimeZone utc = zone("UTC");
  const BandwidthPlan p = parse("closed mon-fri 09:00-17:00; sat 10:00-12:00 3M");
  // Monday 2026-06-01 10:00 UTC: closed until 17:00.
  PlanNow mon = plan_at(p, utc, utc_us(2026, 6, 1, 10, 0), 5 * kMiB);
  EXPECT_TRUE(mon.closed);
  EXPECT_EQ(mon.next_change_us, utc_us(2026, 6, 1, 17, 0));
  // After it: the server's own limit (no default in the plan).
  PlanNow after = plan_at(p, utc, utc_us(2026, 6, 1, 17, 0), 5 * kMiB);
  EXPECT_FALSE(after.closed);
  EXPECT_EQ(after.bps, 5 * kMiB);
  EXPECT_EQ(after.source, "server limit");
  EXPECT_EQ(after.next_change_us, utc_us(2026, 6, 2, 9, 0));
  EXPECT_FALSE(plan_at(parse("* 1M"), utc, utc_us(2026, 6, 1), 0).next_change_us.has_value());
  // Adjacent windows with the same rate are no change.
  PlanNow same = plan_at(parse("mon 08:00-09:00 1M; mon 09:00-10:00 1M; * 0"), utc,
                         utc_us(2026, 6, 1, 8, 30), 0);
  EXPECT_EQ(same.next_change_us, utc_us(2026, 6, 1, 10, 0));
}

}  // namespace
}  // namespace distsync::testing
