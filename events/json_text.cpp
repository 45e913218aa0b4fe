#include "events/json_text.h"

namespace distsync {

void append_json_string(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('"');
  std::size_t run = 0;  // start of the pending run of bytes that need no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    out->push_back('\\');
    switch (c) {
      case '"': out->push_back('"'); break;
      case '\\': out->push_back('\\'); break;
      case '\b': out->push_back('b'); break;
      case '\t': out->push_back('t'); break;
      case '\n': out->push_back('n'); break;
      case '\f': out->push_back('f'); break;
      case '\r': out->push_back('r'); break;
      default:
        out->append("u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 0xF]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void append_hex(std::string* out, const std::array<std::uint8_t, 32>& h) {
  static constexpr char kHex[] = "0123456789abcdef";
  char buf[64];
  for (std::size_t i = 0; i < h.size(); ++i) {
    buf[2 * i] = kHex[h[i] >> 4];
    buf[2 * i + 1] = kHex[h[i] & 0xF];
  }
  out->append(buf, sizeof buf);
}

Status check_json_depth(std::string_view text, std::string_view what, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      // An escape hides the next byte ("\"" and "\\"); \uXXXX digits are never '"' or '\'.
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) {
        return Status::invalid_argument(std::string(what) + " JSON nested deeper than " +
                                        std::to_string(max_depth) + " levels");
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      // More closers than openers is a syntax error for the parser to report; never going
      // below zero keeps a stray "]]]" from buying extra depth later.
      --depth;
    }
  }
  return Status::ok();
}

}  // namespace distsync
