#include "events/audit/export.h"

#include <gtest/gtest.h>

#include "events/audit/csv.h"
#include "events/event_json.h"
#include "events/audit/iso_time.h"
#include "events/codec.h"
#include "tests/audit/audit_test_util.h"

namespace distsync {
namespace {

using testing::AuditLog;
using testing::export_text;
using testing::kStep;
using testing::kT0;
using testing::split_lines;

TEST(ExportTest, JsonlIsExactlyTheCodecJsonPerEvent) {
  AuditLog a(7);
  auto lines = split_lines(export_text(a.log, {}));
  auto events = a.log.read(1, 100, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(lines.size(), 7u);
  for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i], to_json((*events)[i]));
}

TEST(ExportTest, CsvHasHeaderIsoTimeAndPayloadJson) {
  AuditLog a(4);
  ExportOptions opt;
  opt.format = ExportFormat::kCsv;
  std::istringstream in(export_text(a.log, opt));
  CsvReader reader(in);
  std::vector<std::string> f;
  ASSERT_TRUE(*reader.next(&f));
  EXPECT_EQ(f, (std::vector<std::string>{"seq", "time", "time_us", "console", "type",
                                         "correlation", "payload", "prev_hash", "hash",
                                         "stored_bytes"}));
  auto events = a.log.read(1, 100, 100);
  for (const Event& e : *events) {
    auto more = reader.next(&f);
    ASSERT_TRUE(more.ok() && *more);
    ASSERT_EQ(f.size(), 10u);
    EXPECT_EQ(f[0], std::to_string(e.seq));
    EXPECT_EQ(f[1], format_iso_utc(e.time_us));
    EXPECT_EQ(f[2], std::to_string(e.time_us));
    EXPECT_EQ(f[3], "console-a");
    EXPECT_EQ(f[4], e.type());
    EXPECT_EQ(f[5], e.correlation);  // comma, quote and line break survive quoting
    EXPECT_EQ(f[6], payload_to_json(e.payload));
    EXPECT_EQ(f[7], to_hex(e.prev_hash));
    EXPECT_EQ(f[8], to_hex(e.hash));
    EXPECT_EQ(f[9], "");  // written at this build's versions: no stored bytes
    auto p = payload_from_json(f[4], f[6]);
    ASSERT_TRUE(p.ok()) << p.status().to_string();
    EXPECT_EQ(*p, e.payload);
  }
  EXPECT_EQ(f[1], "2025-12-11T05:48:23.000000Z");
  EXPECT_FALSE(*reader.next(&f));
}

TEST(ExportTest, SinceIsInclusiveUntilIsExclusive) {
  AuditLog a(10);  // event i at kT0 + (i-1) s
  ExportOptions opt;
  opt.since_us = kT0 + 2 * kStep;   // event 3 exactly
  opt.until_us = kT0 + 6 * kStep;   // event 7 exactly: excluded
  auto r = resolve_export_range(a.log, opt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first, 3u);
  EXPECT_EQ(r->last, 6u);
  auto lines = split_lines(export_text(a.log, opt));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(from_json(lines.front())->seq, 3u);
  EXPECT_EQ(from_json(lines.back())->seq, 6u);

  opt.since_us = kT0 + 2 * kStep + 1;  // just after event 3
  opt.until_us = kT0 + 6 * kStep + 1;  // just after event 7
  r = resolve_export_range(a.log, opt);
  EXPECT_EQ(r->first, 4u);
  EXPECT_EQ(r->last, 7u);

  opt.since_us = kT0 + 100 * kStep;  // after the end: empty
  opt.until_us.reset();
  r = resolve_export_range(a.log, opt);
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(export_text(a.log, opt), "");
}

TEST(ExportTest, SeqAndTimeBoundsIntersect) {
  AuditLog a(10);
  ExportOptions opt;
  opt.from_seq = 2;
  opt.to_seq = 8;
  opt.since_us = kT0 + 4 * kStep;  // event 5
  auto r = resolve_export_range(a.log, opt);
  EXPECT_EQ(r->first, 5u);
  EXPECT_EQ(r->last, 8u);
  opt.to_seq = 1000;
  EXPECT_EQ(resolve_export_range(a.log, opt)->last, 10u);
}

TEST(ExportTest, RefusesToExportOrSignATamperedLog) {
  AuditLog a(5);
  auto events = a.log.read(3, 3, 1);
  Event e = (*events)[0];
  e.payload = SyncCancelled{"edited"};
  a.log.overwrite_record(3, encode_record(e));  // hash no longer matches the content
  auto key = CheckpointKey::generate();
  ExportOptions opt;
  opt.key = &key;
  std::ostringstream out;
  Status s = export_log(a.log, opt, out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("seq 3"), std::string::npos) << s.message();
  EXPECT_EQ(out.str().find("checkpoint"), std::string::npos);
}

// Pages written with header=false and chain_from (a remote export) concatenate to the
// whole export; the last page's checkpoint signs the whole range; a page whose link to the
// record before it is broken is refused.
TEST(ExportTest, PagesWithChainFromConcatenateToTheWholeExport) {
  AuditLog a(10);
  auto key = CheckpointKey::generate();
  for (ExportFormat format : {ExportFormat::kJsonl, ExportFormat::kCsv}) {
    ExportOptions whole;
    whole.format = format;
    auto all = split_lines(export_text(a.log, whole));
    std::string paged;
    for (std::uint64_t first = 1; first <= 10; first += 4) {
      ExportOptions page;
      page.format = format;
      page.from_seq = first;
      page.to_seq = std::min<std::uint64_t>(first + 3, 10);
      page.header = first == 1;
      const bool last = *page.to_seq == 10;
      if (first > 1) page.chain_from = last ? 1 : first - 1;
      if (last) page.key = &key;
      paged += export_text(a.log, page);
    }
    auto lines = split_lines(paged);
    ASSERT_EQ(lines.size(), all.size() + 1);  // one checkpoint
    EXPECT_EQ(std::vector<std::string>(lines.begin(), lines.end() - 1), all);
    VerifyOptions vo;
    vo.public_key = key.public_key();
    VerifyReport report = testing::verify_text(paged, vo);
    EXPECT_TRUE(report.ok()) << report.summary();
    EXPECT_EQ(report.signature, SignatureStatus::kGenuine) << report.summary();
    EXPECT_EQ(report.first_seq, 1u);
    EXPECT_EQ(report.last_seq, 10u);
  }

  // Record 4 edited: the page 5..8 does not link to it, and is refused.
  auto events = a.log.read(4, 4, 1);
  Event e = (*events)[0];
  e.payload = SyncCancelled{"edited"};
  a.log.overwrite_record(4, encode_record(e));
  ExportOptions page;
  page.from_seq = 5;
  page.to_seq = 8;
  page.chain_from = 4;
  std::ostringstream out;
  Status s = export_log(a.log, page, out);
  EXPECT_EQ(s.code(), Status::Code::kCorruption);
  EXPECT_NE(s.message().find("seq 4"), std::string::npos) << s.message();
  EXPECT_EQ(out.str(), "");
}

TEST(ExportTest, AutoFormatIsRefused) {
  AuditLog a(1);
  ExportOptions opt;
  opt.format = ExportFormat::kAuto;
  std::ostringstream out;
  EXPECT_EQ(export_log(a.log, opt, out).code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace distsync
