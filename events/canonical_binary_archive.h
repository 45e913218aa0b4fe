// CanonicalBinaryOutputArchive: a cereal output archive that appends to a std::string byte
// for byte what cereal::PortableBinaryOutputArchive writes with its default options (the
// codec's canonical bytes, events/codec.h), without an ostream: the portable archive writes
// every value through a virtual sputn() of a stream buffer, which cost the log's writer more
// than the values themselves.
//
// The bytes: one byte 1 (little-endian output) when the archive is made, then every
// arithmetic value, size tag and binary block in little-endian order; names are dropped;
// class versions are written by cereal's base archive, the first time a class is seen in this
// archive. So one archive per record (class versions are per archive). tests/events/
// codec_test.cpp pins the bytes (RecordBytesAreThoseOfEarlierBuilds, and equality with
// PortableBinaryOutputArchive for every event type). Not thread-safe. Decoding stays with
// PortableBinaryInputArchive (events/bounded_binary.h).
#pragma once

#include <algorithm>
#include <bit>
#include <cereal/cereal.hpp>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <type_traits>

namespace distsync {

class CanonicalBinaryOutputArchive
    : public cereal::OutputArchive<CanonicalBinaryOutputArchive, cereal::AllowEmptyClassElision> {
 public:
  // `out` must outlive the archive.
  explicit CanonicalBinaryOutputArchive(std::string* out)
      : OutputArchive<CanonicalBinaryOutputArchive, cereal::AllowEmptyClassElision>(this),
        out_(out) {
    out_->push_back('\1');  // the portable archive's "little endian" flag
  }

  template <std::size_t DataSize>
  void save_binary(const void* data, std::size_t size) {
    const char* p = static_cast<const char*>(data);
    if constexpr (std::endian::native == std::endian::little || DataSize == 1) {
      out_->append(p, size);
    } else {
      for (std::size_t i = 0; i < size; i += DataSize) {
        for (std::size_t j = 0; j < DataSize; ++j) out_->push_back(p[i + DataSize - j - 1]);
      }
    }
  }

 private:
  std::string* out_;
};

template <class T>
std::enable_if_t<std::is_arithmetic_v<T>> CEREAL_SAVE_FUNCTION_NAME(
    CanonicalBinaryOutputArchive& ar, const T& t) {
  static_assert(!std::is_floating_point_v<T> || std::numeric_limits<T>::is_iec559,
                "portable binary only supports IEEE 754 floating point");
  ar.template save_binary<sizeof(T)>(std::addressof(t), sizeof(t));
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(CanonicalBinaryOutputArchive& ar,
                               const cereal::NameValuePair<T>& t) {
  ar(t.value);
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(CanonicalBinaryOutputArchive& ar, const cereal::SizeTag<T>& t) {
  ar(t.size);
}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(CanonicalBinaryOutputArchive& ar, const cereal::BinaryData<T>& bd) {
  using TT = std::remove_pointer_t<T>;
  ar.template save_binary<sizeof(TT)>(bd.data, static_cast<std::size_t>(bd.size));
}

}  // namespace distsync
