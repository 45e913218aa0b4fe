// cereal's portable binary archive, with loads that allocate only for bytes actually present.
//
// cereal's own loads of strings, vectors and deques read a length prefix and resize() to it
// before reading a byte, so a corrupt record whose prefix says 2^62 asks for exabytes (found by
// tests/fuzz/fuzz_event_record). These overloads, more specialized than cereal's, read the
// same bytes but grow the container as data arrives: a lying prefix runs into the end of the
// input and throws, having allocated at most the input's size plus one chunk. Include this
// header instead of <cereal/archives/portable_binary.hpp> wherever that archive loads, so every
// translation unit picks the same overloads. Encoding is unchanged.
//
// A bool is one byte, 0 or 1; cereal copies any byte into the bool, and a bool holding 111 is
// undefined behaviour (found by the same target). Here any other byte is refused.
#pragma once

#include <algorithm>
#include <cereal/archives/portable_binary.hpp>
#include <cereal/types/deque.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <type_traits>
#include <vector>

namespace cereal {

inline void CEREAL_LOAD_FUNCTION_NAME(PortableBinaryInputArchive& ar, bool& b) {
  std::uint8_t byte = 0;
  ar(byte);
  if (byte > 1) throw Exception("a bool byte is " + std::to_string(byte) + ", not 0 or 1");
  b = byte == 1;
}

template <class CharT, class Traits, class Alloc>
void CEREAL_LOAD_FUNCTION_NAME(PortableBinaryInputArchive& ar,
                               std::basic_string<CharT, Traits, Alloc>& str) {
  size_type size;
  ar(make_size_tag(size));
  str.clear();
  constexpr size_type kChunk = 64 * 1024 / sizeof(CharT);
  while (str.size() < size) {
    const std::size_t old = str.size();
    const std::size_t n = static_cast<std::size_t>(std::min<size_type>(kChunk, size - old));
    str.resize(old + n);
    ar(binary_data(str.data() + old, n * sizeof(CharT)));  // throws at the end of the input
  }
}

// Elements one by one: each load throws at the end of the input, so a lying count costs no
// more than the elements really present.
template <class Container>
void load_growing(PortableBinaryInputArchive& ar, Container& c) {
  size_type size;
  ar(make_size_tag(size));
  c.clear();
  for (size_type i = 0; i < size; ++i) {
    if constexpr (std::is_same_v<typename Container::value_type, bool>) {
      bool b;
      ar(b);
      c.push_back(b);
    } else {
      ar(c.emplace_back());
    }
  }
}

template <class T, class A>
void CEREAL_LOAD_FUNCTION_NAME(PortableBinaryInputArchive& ar, std::vector<T, A>& v) {
  load_growing(ar, v);
}
template <class A>
void CEREAL_LOAD_FUNCTION_NAME(PortableBinaryInputArchive& ar, std::vector<bool, A>& v) {
  load_growing(ar, v);
}
template <class T, class A>
void CEREAL_LOAD_FUNCTION_NAME(PortableBinaryInputArchive& ar, std::deque<T, A>& d) {
  load_growing(ar, d);
}

}  // namespace cereal
