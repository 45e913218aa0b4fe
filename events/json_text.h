// Writing JSON scalars into a std::string, byte for byte as cereal's JSON archive (rapidjson)
// writes them: strings escape '"', '\\', and control characters (\b \t \n \f \r, others as
// \u00XX with upper-case hex); other bytes, UTF-8 included, pass through unchanged.
// Pure functions, thread-safe.
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace distsync {

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
