// Writing JSON scalars into a std::string, byte for byte as cereal's JSON archive (rapidjson)
// writes them: strings escape '"', '\\', and control characters (\b \t \n \f \r, others as
// \u00XX with upper-case hex); other bytes, UTF-8 included, pass through unchanged.
// Reading JSON: check_json_depth() bounds the nesting of text from outside before any parser
// builds a tree of it. Pure functions, thread-safe.
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "events/status.h"

namespace distsync {

// The deepest nesting of arrays and objects that any JSON reader of distsync accepts. Every
// document distsync itself writes nests at most a handful of levels; 64 leaves room for
// growth and keeps every recursive walk (rapidjson's parser, nlohmann's copy and dump) far
// from the end of the stack.
inline constexpr int kMaxJsonDepth = 64;

// Ok when `text` opens at most `max_depth` arrays and objects inside one another; else
// InvalidArgument "<what> JSON nested deeper than 64 levels". Call it before parsing any JSON
// that came from outside (a socket frame, a file, a reply): it runs in one pass with constant
// stack, so a 100,000-deep document is refused without ever becoming a tree.
// Exact for every prefix a JSON parser would accept: brackets inside strings (escaped quotes
// included) do not count. Says nothing else about validity; the parser still decides that.
[[nodiscard]] Status check_json_depth(std::string_view text, std::string_view what,
                                      int max_depth = kMaxJsonDepth);

void append_json_string(std::string* out, std::string_view s);

// Appends the 64 lower-case hex digits of a hash (what to_hex() returns), unquoted.
void append_hex(std::string* out, const std::array<std::uint8_t, 32>& h);

template <typename Int>
void append_json_int(std::string* out, Int v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

}  // namespace distsync
