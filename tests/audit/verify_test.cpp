#include "events/audit/verify.h"

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
using testing::join_lines;
using testing::split_lines;
using testing::verify_text;

class VerifyTest : public ::testing::TestWithParam<ExportFormat> {
 protected:
  ExportOptions options(const CheckpointKey* k = nullptr) {
    ExportOptions o;
    o.format = GetParam();
    o.key = k;
    o.console = "console-a";
    o.clock_us = [] { return testing::kT0 + 999; };
    return o;
  }
  VerifyOptions with_key(const CheckpointKey& k) {
    VerifyOptions v;
    v.public_key = k.public_key();
    return v;
  }
  // Physical line of the record with `seq` (CSV records span lines: their correlation
  // holds a line break).
  std::size_t line_of(const std::vector<std::string>& lines, std::uint64_t seq) {
    const std::string prefix = GetParam() == ExportFormat::kCsv ? std::to_string(seq) + ","
                                                                : "{\"seq\":" + std::to_string(seq) + ",";
    for (std::size_t i = 0; i < lines.size(); ++i)
      if (lines[i].rfind(prefix, 0) == 0) return i;
    ADD_FAILURE() << "no record " << seq;
    return 0;
  }
  // The record of `seq` as a block of whole physical lines [begin, end).
  std::pair<std::size_t, std::size_t> block_of(const std::vector<std::string>& lines,
                                               std::uint64_t seq) {
    std::size_t b = line_of(lines, seq);
    return {b, GetParam() == ExportFormat::kCsv ? b + 2 : b + 1};
  }

  // One record as the export writes it (a CSV record keeps its CRLF inside, LF outside).
  std::string record_text(const Event& e) {
    if (GetParam() == ExportFormat::kJsonl) return to_json(e);
    std::string row = std::to_string(e.seq) + "," + format_iso_utc(e.time_us) + "," +
                      std::to_string(e.time_us) + "," + e.console + "," + std::string(e.type()) + ",";
    append_csv_field(&row, e.correlation);
    row += ",";
    append_csv_field(&row, payload_to_json(e.payload));
    return row + "," + to_hex(e.prev_hash) + "," + to_hex(e.hash) + ",\r";  // no stored_bytes
  }

  CheckpointKey key_ = CheckpointKey::generate();
  AuditLog a_{8};
};

TEST_P(VerifyTest, IntactSignedExportIsGenuine) {
  std::string text = export_text(a_.log, options(&key_));
  VerifyReport r = verify_text(text, with_key(key_));
  EXPECT_TRUE(r.ok()) << r.summary();
  EXPECT_EQ(r.format, GetParam());
  EXPECT_EQ(r.problem, VerifyProblem::kNone);
  EXPECT_EQ(r.signature, SignatureStatus::kGenuine) << r.summary();
  EXPECT_EQ(r.records, 8u);
  EXPECT_EQ(r.first_seq, 1u);
  EXPECT_EQ(r.last_seq, 8u);
  EXPECT_EQ(r.head_hash, a_.log.last_hash());
  EXPECT_EQ(r.exit_code(), 0);

  VerifyReport nokey = verify_text(text);
  EXPECT_EQ(nokey.signature, SignatureStatus::kSelfSigned);
  EXPECT_EQ(nokey.exit_code(), 0);
}

TEST_P(VerifyTest, UnsignedExportVerifiesButFailsWhenAKeyIsRequired) {
  std::string text = export_text(a_.log, options());
  VerifyReport r = verify_text(text);
  EXPECT_TRUE(r.ok()) << r.summary();
  EXPECT_EQ(r.signature, SignatureStatus::kUnsigned);
  VerifyReport keyed = verify_text(text, with_key(key_));
  EXPECT_TRUE(keyed.chain_ok());
  EXPECT_EQ(keyed.exit_code(), 3);
}

TEST_P(VerifyTest, EditedPayloadIsNamed) {
  auto lines = split_lines(export_text(a_.log, options(&key_)));
  auto [b, e] = block_of(lines, 4);  // seq 4 is a FileCopied with size 16384
  std::size_t l = b;
  while (l + 1 < e && lines[l].find("16384") == std::string::npos) ++l;
  auto pos = lines[l].find("16384");
  ASSERT_NE(pos, std::string::npos) << lines[l];
  lines[l].replace(pos, 5, "99999");
  VerifyReport r = verify_text(join_lines(lines), with_key(key_));
  EXPECT_EQ(r.problem, VerifyProblem::kAltered) << r.summary();
  EXPECT_EQ(r.seq, 4u);
  EXPECT_EQ(r.line, b + 1);  // where the record begins
  EXPECT_EQ(r.exit_code(), 1);
  EXPECT_NE(r.summary().find("line " + std::to_string(b + 1)), std::string::npos) << r.summary();
}

// A record nested 100,000 levels deep would overflow rapidjson's recursive parser (issue 9).
TEST_P(VerifyTest, DeeplyNestedRecordIsMalformedNotACrash) {
  auto lines = split_lines(export_text(a_.log, options(&key_)));
  auto [b, e] = block_of(lines, 4);
  std::size_t l = b;
  while (l + 1 < e && lines[l].find("16384") == std::string::npos) ++l;
  auto pos = lines[l].find("16384");
  ASSERT_NE(pos, std::string::npos) << lines[l];
  lines[l].replace(pos, 5, std::string(100000, '[') + std::string(100000, ']'));
  VerifyReport r = verify_text(join_lines(lines), with_key(key_));
  EXPECT_EQ(r.problem, VerifyProblem::kMalformed) << r.summary();
  EXPECT_NE(r.detail.find("JSON nested deeper than 64 levels"), std::string::npos) << r.detail;
  EXPECT_EQ(r.exit_code(), 1);
}

TEST_P(VerifyTest, DeletedRecordIsNamed) {
  auto lines = split_lines(export_text(a_.log, options(&key_)));
  auto [b, e] = block_of(lines, 5);
  lines.erase(lines.begin() + b, lines.begin() + e);
  VerifyReport r = verify_text(join_lines(lines), with_key(key_));
  EXPECT_EQ(r.problem, VerifyProblem::kMissing) << r.summary();
  EXPECT_EQ(r.seq, 5u);
  EXPECT_EQ(r.line, b + 1);  // where seq 6 now stands
  EXPECT_NE(r.detail.find("deleted"), std::string::npos) << r.detail;
}

TEST_P(VerifyTest, SwappedRecordsAreNamed) {
  auto lines = split_lines(export_text(a_.log, options(&key_)));
  auto [b3, e3] = block_of(lines, 3);
  auto [b4, e4] = block_of(lines, 4);
  std::vector<std::string> swapped(lines.begin(), lines.begin() + b3);
  swapped.insert(swapped.end(), lines.begin() + b4, lines.begin() + e4);
  swapped.insert(swapped.end(), lines.begin() + b3, lines.begin() + e3);
  swapped.insert(swapped.end(), lines.begin() + e4, lines.end());
  VerifyReport r = verify_text(join_lines(swapped), with_key(key_));
  EXPECT_EQ(r.problem, VerifyProblem::kReordered) << r.summary();
  EXPECT_EQ(r.line, b3 + 1);
  EXPECT_NE(r.detail.find("swapped"), std::string::npos) << r.detail;
}

TEST_P(VerifyTest, ReplacedRecordBreaksTheNextLink) {
  // Edit seq 3 and fix up its own hash: seq 4's prev_hash no longer links.
  auto events = *a_.log.read(1, 8, 8);
  events[2].payload = SyncCancelled{"nobody"};
  events[2].hash = compute_hash(events[2].prev_hash, events[2]);
  auto lines = split_lines(export_text(a_.log, options(&key_)));
  auto [b, e] = block_of(lines, 3);
  lines.erase(lines.begin() + b, lines.begin() + e);
  lines.insert(lines.begin() + b, record_text(events[2]));
  VerifyReport r = verify_text(join_lines(lines), with_key(key_));
  EXPECT_EQ(r.problem, VerifyProblem::kBadPrevLink) << r.summary();
  EXPECT_EQ(r.seq, 4u);
}

// Edit a record, then recompute every hash after it without the signing key: the chain is
// whole again, so only the checkpoint shows the forgery.
TEST_P(VerifyTest, RecomputedChainIsForged) {
  auto events = *a_.log.read(1, 8, 8);
  events[2].payload = SyncCancelled{"nobody"};
  for (std::size_t i = 2; i < events.size(); ++i) {
    if (i > 0) events[i].prev_hash = events[i - 1].hash;
    events[i].hash = compute_hash(events[i].prev_hash, events[i]);
  }
  auto lines = split_lines(export_text(a_.log, options(&key_)));
  std::string forged = GetParam() == ExportFormat::kCsv ? std::string(kCsvHeader) + "\r\n" : "";
  for (const Event& e : events) forged += record_text(e) + "\n";
  forged += lines.back() + "\n";  // the old checkpoint
  VerifyReport r = verify_text(forged, with_key(key_));
  EXPECT_TRUE(r.chain_ok()) << r.summary();
  EXPECT_EQ(r.signature, SignatureStatus::kForged) << r.summary();
  EXPECT_EQ(r.exit_code(), 2);
  EXPECT_NE(r.signature_detail.find("chain recomputed"), std::string::npos) << r.signature_detail;

  // Re-signing with another key does not help when the auditor holds the real key.
  auto other = CheckpointKey::generate();
  Checkpoint unsigned_cp;
  unsigned_cp.first_seq = 1;
  unsigned_cp.seq = 8;
  unsigned_cp.hash = events.back().hash;
  unsigned_cp.console = "console-a";
  Checkpoint cp = other.sign(unsigned_cp);
  std::string resigned = forged.substr(0, forged.rfind(lines.back()));
  if (GetParam() == ExportFormat::kJsonl) {
    resigned += checkpoint_to_json(cp) + "\n";
  } else {
    auto f = checkpoint_to_csv_fields(cp);
    for (std::size_t i = 0; i < f.size(); ++i) resigned += (i ? "," : "") + f[i];
    resigned += "\r\n";
  }
  r = verify_text(resigned, with_key(key_));
  EXPECT_EQ(r.signature, SignatureStatus::kForged) << r.summary();
  EXPECT_NE(r.signature_detail.find("not signed by the given key"), std::string::npos);
  EXPECT_EQ(verify_text(resigned).signature, SignatureStatus::kSelfSigned);
}

// The checkpoint signs both ends, so records cut from either end are deleted records, named
// by seq, however many go.
TEST_P(VerifyTest, RecordsDeletedFromTheStartAreNamed) {
  for (std::uint64_t cut : {1u, 3u}) {
    auto lines = split_lines(export_text(a_.log, options(&key_)));
    lines.erase(lines.begin() + block_of(lines, 1).first,
                lines.begin() + block_of(lines, cut).second);
    for (const VerifyOptions& v : {with_key(key_), VerifyOptions{}}) {
      VerifyReport r = verify_text(join_lines(lines), v);
      EXPECT_EQ(r.problem, VerifyProblem::kMissing) << cut << ": " << r.summary();
      EXPECT_EQ(r.seq, 1u);
      EXPECT_EQ(r.line, line_of(lines, cut + 1) + 1);  // where the first remaining record is
      EXPECT_EQ(r.exit_code(), 1);
      EXPECT_NE(r.detail.find("deleted from its start"), std::string::npos) << r.detail;
      EXPECT_NE(r.summary().find(cut == 1 ? "seq 1 missing before seq 2"
                                          : "seqs 1..3 missing before seq 4"),
                std::string::npos)
          << r.summary();
    }
  }
}

TEST_P(VerifyTest, FirstRecordMovedToTheEndIsReorderedNotDeleted) {
  auto lines = split_lines(export_text(a_.log, options(&key_)));
  const std::string cp = lines.back();
  lines.pop_back();
  auto [b, e] = block_of(lines, 1);
  std::vector<std::string> first(lines.begin() + b, lines.begin() + e);
  lines.erase(lines.begin() + b, lines.begin() + e);
  lines.insert(lines.end(), first.begin(), first.end());
  lines.push_back(cp);
  VerifyReport r = verify_text(join_lines(lines), with_key(key_));
  EXPECT_EQ(r.problem, VerifyProblem::kReordered) << r.summary();
  EXPECT_EQ(r.seq, 1u);
  EXPECT_EQ(r.exit_code(), 1);
}

TEST_P(VerifyTest, RecordsDeletedFromTheEndAreNamed) {
  for (std::uint64_t cut : {1u, 3u}) {
    auto lines = split_lines(export_text(a_.log, options(&key_)));
    lines.erase(lines.begin() + block_of(lines, 9 - cut).first,
                lines.begin() + block_of(lines, 8).second);
    VerifyReport r = verify_text(join_lines(lines), with_key(key_));
    EXPECT_EQ(r.problem, VerifyProblem::kMissing) << cut << ": " << r.summary();
    EXPECT_EQ(r.seq, 9 - cut);
    EXPECT_EQ(r.line, lines.size());  // the checkpoint, where the records should have been
    EXPECT_EQ(r.exit_code(), 1);
    EXPECT_NE(r.detail.find("deleted from its end"), std::string::npos) << r.detail;
  }
}

TEST_P(VerifyTest, EveryRecordDeletedIsNamed) {
  auto lines = split_lines(export_text(a_.log, options(&key_)));
  lines.erase(lines.begin() + block_of(lines, 1).first, lines.begin() + block_of(lines, 8).second);
  VerifyReport r = verify_text(join_lines(lines), with_key(key_));
  EXPECT_EQ(r.problem, VerifyProblem::kMissing) << r.summary();
  EXPECT_EQ(r.seq, 1u);
  EXPECT_EQ(r.exit_code(), 1);
}

TEST_P(VerifyTest, SubRangeExportMissingItsFirstRecordIsNamed) {
  auto o = options(&key_);
  o.from_seq = 3;
  o.to_seq = 6;
  auto lines = split_lines(export_text(a_.log, o));
  auto [b, e] = block_of(lines, 3);
  lines.erase(lines.begin() + b, lines.begin() + e);
  VerifyReport r = verify_text(join_lines(lines), with_key(key_));
  EXPECT_EQ(r.problem, VerifyProblem::kMissing) << r.summary();
  EXPECT_EQ(r.seq, 3u);
  EXPECT_EQ(r.line, b + 1);
  EXPECT_NE(r.detail.find("the checkpoint signs seqs 3..6"), std::string::npos) << r.detail;
}

// An unsigned export cannot say where it started: it still verifies as a chain, with the
// uncovered start said plainly, and fails when the auditor asked for a signed one.
TEST_P(VerifyTest, UnsignedExportMissingItsStartSaysTheStartIsNotCovered) {
  auto lines = split_lines(export_text(a_.log, options()));
  auto [b, e] = block_of(lines, 1);
  lines.erase(lines.begin() + b, lines.begin() + e);
  VerifyReport r = verify_text(join_lines(lines));
  EXPECT_TRUE(r.chain_ok()) << r.summary();
  EXPECT_FALSE(r.start_covered);
  EXPECT_NE(r.summary().find("start: not covered: the export starts at seq 2"), std::string::npos)
      << r.summary();
  EXPECT_EQ(verify_text(join_lines(lines), with_key(key_)).exit_code(), 3);
  EXPECT_TRUE(verify_text(export_text(a_.log, options())).start_covered);
}

// Exports signed by an older build carry a version 1 checkpoint (last seq and hash only).
TEST_P(VerifyTest, VersionOneCheckpointsVerifyButCoverOnlyTheEnd) {
  auto v1_signed = [&](ExportOptions o) {
    std::string text = export_text(a_.log, o);
    auto events = *a_.log.read(o.from_seq.value_or(1), o.to_seq.value_or(8), 8);
    Checkpoint cp;
    cp.version = 1;
    cp.seq = events.back().seq;
    cp.hash = events.back().hash;
    cp.time_us = testing::kT0;
    cp.console = "console-a";
    cp = key_.sign(cp);
    if (GetParam() == ExportFormat::kJsonl) return text + checkpoint_to_json(cp) + "\n";
    auto f = checkpoint_to_csv_fields(cp);
    EXPECT_EQ(f.size(), 7u);
    for (std::size_t i = 0; i < f.size(); ++i) text += (i ? "," : "") + f[i];
    return text + "\r\n";
  };
  VerifyReport whole = verify_text(v1_signed(options()), with_key(key_));
  EXPECT_EQ(whole.signature, SignatureStatus::kGenuine) << whole.summary();
  EXPECT_TRUE(whole.start_covered);  // it starts at seq 1
  EXPECT_EQ(whole.exit_code(), 0);

  auto o = options();
  o.from_seq = 3;
  VerifyReport sub = verify_text(v1_signed(o), with_key(key_));
  EXPECT_TRUE(sub.chain_ok()) << sub.summary();
  EXPECT_EQ(sub.signature, SignatureStatus::kGenuine);
  EXPECT_FALSE(sub.start_covered);
  EXPECT_NE(sub.start_detail.find("version 1 checkpoint"), std::string::npos) << sub.start_detail;
  EXPECT_EQ(sub.exit_code(), 3);

  // Cut from the end, a version 1 checkpoint still names the deleted records.
  auto lines = split_lines(v1_signed(options()));
  auto [b, e] = block_of(lines, 8);
  lines.erase(lines.begin() + b, lines.begin() + e);
  VerifyReport cut = verify_text(join_lines(lines), with_key(key_));
  EXPECT_EQ(cut.problem, VerifyProblem::kMissing) << cut.summary();
  EXPECT_EQ(cut.seq, 8u);
}

// Seq 1 links to the zero hash; a chain rebuilt from another start is caught there.
TEST_P(VerifyTest, FirstRecordOfTheLogMustLinkToTheZeroHash) {
  auto events = *a_.log.read(1, 8, 8);
  events[0].prev_hash = sha256("before the log");
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i > 0) events[i].prev_hash = events[i - 1].hash;
    events[i].hash = compute_hash(events[i].prev_hash, events[i]);
  }
  std::string text = GetParam() == ExportFormat::kCsv ? std::string(kCsvHeader) + "\r\n" : "";
  for (const Event& e : events) text += record_text(e) + "\n";
  VerifyReport r = verify_text(text);
  EXPECT_EQ(r.problem, VerifyProblem::kBadPrevLink) << r.summary();
  EXPECT_EQ(r.seq, 1u);
}

TEST_P(VerifyTest, TamperedCheckpointSignatureIsForged) {
  auto lines = split_lines(export_text(a_.log, options(&key_)));
  std::string& cp = lines.back();
  auto pos = cp.find(key_to_hex(key_.public_key()));
  ASSERT_NE(pos, std::string::npos);
  std::size_t sig = cp.size() - 10;  // inside the signature's hex
  cp[sig] = cp[sig] == '0' ? '1' : '0';
  VerifyReport r = verify_text(join_lines(lines), with_key(key_));
  EXPECT_EQ(r.signature, SignatureStatus::kForged) << r.summary();
  EXPECT_NE(r.signature_detail.find("invalid"), std::string::npos);
}

TEST_P(VerifyTest, SubRangeExportVerifiesFromItsFirstPrevHash) {
  auto o = options(&key_);
  o.from_seq = 3;
  o.to_seq = 6;
  VerifyOptions v = with_key(key_);
  v.against_log = &a_.log;
  VerifyReport r = verify_text(export_text(a_.log, o), v);
  EXPECT_TRUE(r.ok()) << r.summary();
  EXPECT_EQ(r.first_seq, 3u);
  EXPECT_EQ(r.last_seq, 6u);
  EXPECT_EQ(r.records, 4u);
  EXPECT_EQ(r.signature, SignatureStatus::kGenuine);
}

TEST_P(VerifyTest, AgainstLogCatchesAMismatch) {
  std::string text = export_text(a_.log, options(&key_));
  // The same commands appended to another log (other console, other times) differ everywhere.
  AuditLog other(8);
  other.now += 5;
  VerifyOptions v;
  v.against_log = &a_.log;
  EXPECT_TRUE(verify_text(text, v).ok());

  // Tamper with the live log after the export: seq 6 no longer matches.
  auto e = (*a_.log.read(6, 6, 1))[0];
  e.correlation = "rewritten";
  e.hash = compute_hash(e.prev_hash, e);
  a_.log.overwrite_record(6, encode_record(e));
  VerifyReport r = verify_text(text, v);
  EXPECT_EQ(r.problem, VerifyProblem::kLogMismatch) << r.summary();
  EXPECT_EQ(r.seq, 6u);
  EXPECT_EQ(r.line, line_of(split_lines(text), 6) + 1);

  // A log shorter than the export.
  AuditLog shorter(3);
  v.against_log = &shorter.log;
  r = verify_text(export_text(shorter.log, options()), v);
  EXPECT_TRUE(r.ok()) << r.summary();
  r = verify_text(text, v);
  EXPECT_EQ(r.problem, VerifyProblem::kLogMismatch);
}

TEST_P(VerifyTest, RecordAfterCheckpointIsFlagged) {
  auto lines = split_lines(export_text(a_.log, options(&key_)));
  std::string cp = lines.back();
  lines.pop_back();
  auto [b, e] = block_of(lines, 8);
  std::vector<std::string> moved(lines.begin(), lines.begin() + b);
  moved.push_back(cp);
  moved.insert(moved.end(), lines.begin() + b, lines.begin() + e);
  VerifyReport r = verify_text(join_lines(moved), with_key(key_));
  EXPECT_EQ(r.problem, VerifyProblem::kAfterCheckpoint) << r.summary();
}

INSTANTIATE_TEST_SUITE_P(Formats, VerifyTest,
                         ::testing::Values(ExportFormat::kJsonl, ExportFormat::kCsv),
                         [](const auto& info) {
                           return info.param == ExportFormat::kJsonl ? "Jsonl" : "Csv";
                         });

TEST(VerifyCsvTest, EditedTimeColumnIsNamed) {
  AuditLog a(3);
  ExportOptions o;
  o.format = ExportFormat::kCsv;
  std::string text = export_text(a.log, o);
  auto pos = text.find("2025-12-11T05:48:21");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 19, "2024-01-01T00:00:00");
  VerifyReport r = verify_text(text);
  EXPECT_EQ(r.problem, VerifyProblem::kTimeMismatch) << r.summary();
  EXPECT_EQ(r.seq, 2u);
}

TEST(VerifyFormatTest, NotAnExportIsUnreadable) {
  EXPECT_EQ(verify_text("").exit_code(), 4);
  EXPECT_EQ(verify_text("hello\n").exit_code(), 4);
  EXPECT_EQ(verify_text("seq,wrong,header\n").exit_code(), 4);
  VerifyReport r = verify_text("{\"seq\":1,\"broken\n");
  EXPECT_EQ(r.problem, VerifyProblem::kMalformed);
  EXPECT_EQ(r.line, 1u);
}

TEST(VerifyFormatTest, ExplicitFormatOverridesDetection) {
  AuditLog a(2);
  std::string jsonl = export_text(a.log, {});
  EXPECT_TRUE(verify_text(jsonl, {}, ExportFormat::kJsonl).ok());
  EXPECT_EQ(verify_text(jsonl, {}, ExportFormat::kCsv).exit_code(), 4);
}

}  // namespace
}  // namespace distsync
