// RFC 4180 CSV: writing one field, and reading records back (a quoted field may hold commas,
// quotes and line breaks, so one record may span several physical lines).
//
// Writer side: a field is quoted when it contains a comma, a quote, CR or LF; quotes inside are
// doubled. Records end with CRLF. Reader side accepts CRLF or LF. CsvReader borrows its stream,
// which must outlive it. Not thread-safe.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"

namespace distsync {

inline constexpr std::string_view kCsvLineEnd = "\r\n";

// Appends `field` to `out`, quoted if it needs to be.
void append_csv_field(std::string* out, std::string_view field);

class CsvReader {
 public:
  explicit CsvReader(std::istream& in) : in_(in) {}

  // Reads the next record into `fields`. Returns false at end of input; Corruption for a
  // quoted field left open at end of input or a stray character after a closing quote.
  Result<bool> next(std::vector<std::string>* fields);

  // The physical line (1-based) on which the record last returned by next() began.
  std::uint64_t record_line() const { return record_line_; }

 private:
  std::istream& in_;
  std::string line_;
  std::uint64_t lines_read_ = 0;
  std::uint64_t record_line_ = 0;
};

}  // namespace distsync
