#include "projections/calendar/iso_time.h"

#include <gtest/gtest.h>

#include "tests/calendar/test_time.h"

namespace distsync {
namespace {

using testing::kMinuteUs;
using testing::utc_us;

TEST(IsoTimeTest, FormatsUtc) {
  EXPECT_EQ(format_utc_iso(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc_iso(utc_us(2026, 12, 12, 2)), "2026-12-12T02:00:00Z");
  EXPECT_EQ(format_utc_iso(utc_us(2026, 12, 12, 2) + 250000), "2026-12-12T02:00:00.250000Z");
  EXPECT_EQ(format_utc_iso(-1), "1969-12-31T23:59:59.999999Z");
}

TEST(IsoTimeTest, FormatsLocalWithOffsetInForce) {
  EXPECT_EQ(*format_local_iso(utc_us(2026, 12, 12, 2), "Europe/Berlin"),
            "2026-12-12T03:00:00+01:00");
  EXPECT_EQ(*format_local_iso(utc_us(2026, 7, 1, 12), "Europe/Berlin"),
            "2026-07-01T14:00:00+02:00");
  EXPECT_EQ(*format_local_iso(utc_us(2026, 1, 15, 12), "America/New_York"),
            "2026-01-15T07:00:00-05:00");
  EXPECT_EQ(*format_local_iso(utc_us(2026, 1, 15, 12), "America/St_Johns"),
            "2026-01-15T08:30:00-03:30");
  Result<std::string> bad = format_local_iso(0, "Mars/Olympus_Mons");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown time zone 'Mars/Olympus_Mons'"),
            std::string::npos);
}

TEST(IsoTimeTest, ParsesIso8601Forms) {
  const std::int64_t t = utc_us(2026, 11, 10, 2);
  EXPECT_EQ(*parse_iso8601("2026-11-10T02:00:00Z"), t);
  EXPECT_EQ(*parse_iso8601("2026-11-10T02:00Z"), t);
  EXPECT_EQ(*parse_iso8601("2026-11-10 03:00:00+01:00"), t);
  EXPECT_EQ(*parse_iso8601("2026-11-10T03:00+0100"), t);
  EXPECT_EQ(*parse_iso8601("2026-11-09T21:00:00-05"), t);
  EXPECT_EQ(*parse_iso8601("2026-11-10T07:30:00+05:30"), t);
  EXPECT_EQ(*parse_iso8601("2026-11-10T02:00:00.5Z"), t + 500000);
}

TEST(IsoTimeTest, RefusesBadIso8601) {
  for (const char* bad :
       {"2026-11-10T02:00:00", "2026-11-10", "2026-11-10T02:00:00+1", "2026-11-10T02:00:00+01:0",
        "2026-11-10T02:00:00+24:00", "2026-02-30T02:00:00Z", "2026-11-10T25:00:00Z",
        "2026-11-10X02:00Z", "2026-11-10T02:00:00Zjunk", "garbage"}) {
    Result<std::int64_t> r = parse_iso8601(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    }
  }
}

TEST(IsoTimeTest, FormatThenParseRoundTrips) {
  for (std::int64_t t :
       {utc_us(2026, 3, 8, 7), utc_us(2030, 10, 27, 0, 59, 59) + 1, utc_us(1999, 12, 31, 23, 59)}) {
    EXPECT_EQ(*parse_iso8601(format_utc_iso(t)), t);
    EXPECT_EQ(*parse_iso8601(*format_local_iso(t, "Australia/Lord_Howe")), t);
    EXPECT_EQ(*parse_iso8601(*format_local_iso(t, "America/New_York")), t);
  }
}

TEST(IsoTimeTest, ParsesLocalTimeInZone) {
  EXPECT_EQ(*parse_local_time("2026-11-10 03:00", "Europe/Berlin"), utc_us(2026, 11, 10, 2));
  EXPECT_EQ(*parse_local_time("2026-07-10T03:00:30", "Europe/Berlin"),
            utc_us(2026, 7, 10, 1, 0, 30));
  // Spring forward in New York, 2026-03-08 02:00 EST -> 03:00 EDT: the gap maps to its end.
  EXPECT_EQ(*parse_local_time("2026-03-08 02:30", "America/New_York"), utc_us(2026, 3, 8, 7));
  // Fall back, 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens twice; the first counts.
  EXPECT_EQ(*parse_local_time("2026-11-01 01:30", "America/New_York"), utc_us(2026, 11, 1, 5, 30));
  EXPECT_EQ(*parse_local_time("2026-11-01 01:30", "America/New_York") + kMinuteUs,
            *parse_local_time("2026-11-01 01:31", "America/New_York"));
  EXPECT_FALSE(parse_local_time("2026-11-10 03:00", "Nowhere/Special").ok());
  EXPECT_FALSE(parse_local_time("2026-11-10 03:00Z", "UTC").ok());
  EXPECT_FALSE(parse_local_time("2026-11-10", "UTC").ok());
}

}  // namespace
}  // namespace distsync
