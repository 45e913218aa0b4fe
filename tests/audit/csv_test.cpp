#include "events/audit/csv.h"

#include <gtest/gtest.h>

#include <sstream>

#include "events/audit/iso_time.h"

namespace distsync {
namespace {

TEST(CsvTest, PlainFieldsAreNotQuoted) {
  std::string out;
  append_csv_field(&out, "plain text");
  EXPECT_EQ(out, "plain text");
}

TEST(CsvTest, FieldsWithCommasQuotesAndLineBreaksRoundTrip) {
  const std::vector<std::string> fields = {"a,b", "say \"hi\"", "two\nlines", "crlf\r\nend", "",
                                           "\"", "{\"k\":[1,2]}"};
  std::string text;
  for (int row = 0; row < 2; ++row) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) text += ',';
      append_csv_field(&text, fields[i]);
    }
    text += kCsvLineEnd;
  }
  EXPECT_NE(text.find("\"say \"\"hi\"\"\""), std::string::npos) << text;
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<std::string> got;
  auto r = reader.next(&got);
  ASSERT_TRUE(r.ok() && *r);
  EXPECT_EQ(got, fields);
  EXPECT_EQ(reader.record_line(), 1u);
  r = reader.next(&got);
  ASSERT_TRUE(r.ok() && *r);
  EXPECT_EQ(got, fields);
  EXPECT_EQ(reader.record_line(), 4u);  // the first record spans lines 1-3
  r = reader.next(&got);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
}

TEST(CsvTest, UnclosedQuoteIsCorruption) {
  std::istringstream in("a,\"open\nstill open\n");
  CsvReader reader(in);
  std::vector<std::string> got;
  auto r = reader.next(&got);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorruption);
}

TEST(CsvTest, TextAfterClosingQuoteIsCorruption) {
  std::istringstream in("\"a\"b,c\n");
  CsvReader reader(in);
  std::vector<std::string> got;
  EXPECT_FALSE(reader.next(&got).ok());
}

TEST(IsoTimeTest, FormatsUtcWithMicroseconds) {
  EXPECT_EQ(format_iso_utc(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(format_iso_utc(1765432109876543), "2025-12-11T05:48:29.876543Z");
  EXPECT_EQ(format_iso_utc(951782400000001), "2000-02-29T00:00:00.000001Z");
  EXPECT_EQ(format_iso_utc(-1), "1969-12-31T23:59:59.999999Z");
}

}  // namespace
}  // namespace distsync
