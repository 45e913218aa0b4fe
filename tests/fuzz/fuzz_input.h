// Helpers shared by the libFuzzer targets of this folder: the fuzzer's bytes as a string_view,
// and an abort that names the broken property (libFuzzer saves the input that caused it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace distsync::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A property every input must keep was broken: report it and let libFuzzer record the input.
[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "fuzz property broken: %s\n", what);
  std::abort();
}

}  // namespace distsync::fuzz
