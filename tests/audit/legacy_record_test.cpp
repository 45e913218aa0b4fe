// Records written at an older schema version (stored_bytes.h) in exports: a ServerAdded whose
// ServerSpec is of version 2, as every console that added a server before pools of agents has
// in its log. Its JSON rebuilds into today's version, whose bytes hash differently, so the
// export carries the stored bytes and the verifier checks those; editing the fields or the
// bytes alone is still found. A real hash chain over the in-memory log twin, whose last record
// is replaced by its version 2 form.
#include <gtest/gtest.h>

#include "events/audit/stored_bytes.h"
#include "events/codec.h"
#include "events/hash.h"
#include "events/server_events.h"
#include "tests/audit/audit_test_util.h"

namespace distsync {
namespace {

using testing::AuditLog;
using testing::export_text;
using testing::split_lines;
using testing::join_lines;
using testing::verify_text;

// The body of `record` as ServerSpec version 2 wrote it: version 2 instead of 3, and no
// more_agents (an empty list: its 8-byte size, the last bytes of a ServerAdded).
std::string as_version_2(std::string_view record) {
  std::string body(record.substr(64));
  const std::string marker = std::string("ServerAdded") + std::string("\1\0\0\0\3\0\0\0", 8);
  const auto at = body.find(marker);
  EXPECT_NE(at, std::string::npos);
  body[at + marker.size() - 4] = '\2';
  EXPECT_EQ(body.substr(body.size() - 8), std::string(8, '\0'));
  body.resize(body.size() - 8);
  return body;
}

// Replaces record `seq` of `log` by its version 2 form, hashed as that build hashed it (the
// record after it, if any, then no longer links: use the last one). Returns the new record.
std::string replace_with_version_2(MemoryEventLog& log, std::uint64_t seq) {
  std::string record;
  EXPECT_TRUE(log.scan_records(seq, seq, [&](std::uint64_t, std::string_view rec) {
                   record = rec;
                   return true;
                 }).is_ok());
  const std::string body = as_version_2(record);
  const std::string prev = record.substr(0, 32);
  const Hash256 hash = sha256(prev, body);
  std::string legacy = prev + std::string(reinterpret_cast<const char*>(hash.data()), 32) + body;
  log.overwrite_record(seq, legacy);
  return legacy;
}

ServerAdded berlin() {
  ServerSpec spec;
  spec.name = "dist-berlin";
  spec.root_path = "/srv/dist/berlin";
  spec.description = "Berlin office";
  return ServerAdded{spec};
}

class LegacyRecordTest : public ::testing::TestWithParam<ExportFormat> {
 protected:
  LegacyRecordTest() : log_(3) {
    EXPECT_TRUE(log_.log.append({EventDraft{"dist-berlin", berlin()}}).ok());
    legacy_ = replace_with_version_2(log_.log, 4);
  }

  ExportOptions options() {
    ExportOptions o;
    o.format = GetParam();
    return o;
  }

  AuditLog log_;
  std::string legacy_;
};

TEST_P(LegacyRecordTest, TheVersion2RecordIsIntactAndDecodesAsBefore) {
  ASSERT_TRUE(record_hash_matches(legacy_));
  auto e = decode_record(legacy_);
  ASSERT_TRUE(e.ok()) << e.status().to_string();
  ASSERT_NE(e->as<ServerAdded>(), nullptr);
  EXPECT_EQ(e->as<ServerAdded>()->server.description, "Berlin office");
  // This build encodes it differently: that is the whole point.
  EXPECT_NE(compute_hash(e->prev_hash, *e), e->hash);
}

TEST_P(LegacyRecordTest, AnExportWithTheOlderRecordVerifies) {
  const std::string text = export_text(log_.log, options());
  VerifyReport r = verify_text(text);
  EXPECT_EQ(r.problem, VerifyProblem::kNone) << r.summary();
  EXPECT_EQ(r.records, 4u);
  // Only the older record carries its bytes (in CSV the other rows end in an empty column).
  std::size_t carrying = 0, empty_column = 0;
  for (const std::string& line : split_lines(text)) {
    if (GetParam() == ExportFormat::kJsonl) {
      carrying += line.find("\"stored_bytes\":\"") != std::string::npos;
    } else if (line.starts_with("4,")) {
      EXPECT_FALSE(line.ends_with(",\r")) << line;
      carrying += 1;
    } else {
      empty_column += line.ends_with(",\r");
    }
  }
  EXPECT_EQ(carrying, 1u);
  if (GetParam() == ExportFormat::kCsv) {
    EXPECT_EQ(empty_column, 3u);
  }
}

TEST_P(LegacyRecordTest, EditingTheFieldsOrTheStoredBytesAloneIsFound) {
  const std::string text = export_text(log_.log, options());
  auto edited = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    const auto at = t.rfind(from);
    EXPECT_NE(at, std::string::npos) << from;
    t.replace(at, from.size(), to);
    return verify_text(t);
  };
  VerifyReport fields = edited("Berlin office", "Bonn office");
  EXPECT_EQ(fields.problem, VerifyProblem::kAltered) << fields.summary();
  EXPECT_EQ(fields.seq, 4u);
  // "Berlin office" in hex, as the stored bytes hold it: an edit of the bytes alone.
  VerifyReport bytes = edited("4265726c696e206f6666696365", "426f6e6e206f6666696365");
  EXPECT_EQ(bytes.problem, VerifyProblem::kAltered) << bytes.summary();
  EXPECT_EQ(bytes.seq, 4u);
}

TEST(LegacyRecordJsonlTest, WithoutItsStoredBytesTheOlderRecordLooksAltered) {
  AuditLog log(0);
  ASSERT_TRUE(log.log.append({EventDraft{"dist-berlin", berlin()}}).ok());
  replace_with_version_2(log.log, 1);
  ExportOptions o;
  o.format = ExportFormat::kJsonl;
  std::vector<std::string> lines = split_lines(export_text(log.log, o));
  ASSERT_EQ(lines.size(), 1u);
  const auto at = lines[0].find(",\"stored_bytes\":\"");
  ASSERT_NE(at, std::string::npos) << lines[0];
  EXPECT_EQ(verify_text(join_lines(lines)).problem, VerifyProblem::kNone);
  lines[0] = lines[0].substr(0, at) + "}";  // as exports of earlier builds wrote it
  VerifyReport r = verify_text(join_lines(lines));
  EXPECT_EQ(r.problem, VerifyProblem::kAltered) << r.summary();
}

TEST(LegacyRecordCsvTest, AnExportWithTheHeaderOfEarlierBuildsStillVerifies) {
  AuditLog log(5);
  ExportOptions o;
  o.format = ExportFormat::kCsv;
  std::string text = export_text(log.log, o);
  // Take the stored_bytes column off, as earlier builds wrote rows: 9 columns.
  std::string old;
  for (std::string line : split_lines(text)) {
    if (line == std::string(kCsvHeader) + "\r") {
      line = std::string(kCsvHeaderWithoutStoredBytes) + "\r";
    } else if (line.ends_with(",\r")) {
      line = line.substr(0, line.size() - 2) + "\r";
    }
    old += line + "\n";
  }
  ASSERT_NE(old, text);
  VerifyReport r = verify_text(old);
  EXPECT_EQ(r.problem, VerifyProblem::kNone) << r.summary();
  EXPECT_EQ(r.records, 5u);
}

INSTANTIATE_TEST_SUITE_P(Formats, LegacyRecordTest,
                         ::testing::Values(ExportFormat::kJsonl, ExportFormat::kCsv),
                         [](const auto& info) {
                           return info.param == ExportFormat::kJsonl ? "Jsonl" : "Csv";
                         });

}  // namespace
}  // namespace distsync
