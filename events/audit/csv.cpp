#include "events/audit/csv.h"

namespace distsync {

void append_csv_field(std::string* out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

Result<bool> CsvReader::next(std::vector<std::string>* fields) {
  fields->clear();
  if (!std::getline(in_, line_)) return false;
  record_line_ = ++lines_read_;
  std::string field;
  bool in_quotes = false, after_quote = false;
  std::size_t i = 0;
  for (;;) {
    if (i == line_.size()) {
      if (!in_quotes) break;
      // A line break inside quotes belongs to the field; getline dropped the '\n'.
      if (!std::getline(in_, line_)) {
        return Status::corruption("CSV record starting on line " + std::to_string(record_line_) +
                                  " has a quoted field that is never closed");
      }
      ++lines_read_;
      field.push_back('\n');
      i = 0;
      continue;
    }
    char c = line_[i++];
    if (in_quotes) {
      if (c != '"') {
        field.push_back(c);
      } else if (i < line_.size() && line_[i] == '"') {
        field.push_back('"');
        ++i;
      } else {
        in_quotes = false;
        after_quote = true;
      }
      continue;
    }
    if (c == ',') {
      fields->push_back(std::move(field));
      field.clear();
      after_quote = false;
    } else if (c == '\r' && i == line_.size()) {
      // CRLF line end
    } else if (after_quote) {
      return Status::corruption("CSV record on line " + std::to_string(lines_read_) +
                                " has text after a closing quote");
    } else if (c == '"' && field.empty()) {
      in_quotes = true;
    } else {
      field.push_back(c);
    }
  }
  fields->push_back(std::move(field));
  return true;
}

}  // namespace distsync
