// CompactJsonOutputArchive: a cereal output archive that appends one-line JSON to a
// std::string, byte for byte what cereal's JSONOutputArchive writes once its indentation is
// stripped (the codec's to_json form, events/codec.h), at a fraction of the cost: no
// rapidjson writer, no ostream, no pretty-print-then-strip pass.
//
// It follows JSONOutputArchive's rules: a class is an object whose first member, the first
// time the class is seen in this archive, is "cereal_class_version"; a SizeTag turns the
// current node into an array (containers); maps are arrays of {"key":..,"value":..};
// unnamed members are "value0", "value1", ...; long long and long double are written as
// strings; enums as their underlying integer; doubles as rapidjson's shortest form.
// Unlike JSONOutputArchive, the root is a bare value (no enclosing object), so the caller
// writes the envelope. One archive per top-level value (class versions are per archive).
// Not thread-safe. tests/events/event_json_test.cpp holds the equivalence tests.
#pragma once

#include <rapidjson/internal/dtoa.h>

#include <cereal/cereal.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "events/json_text.h"

namespace distsync {

class CompactJsonOutputArchive : public cereal::OutputArchive<CompactJsonOutputArchive>,
                                 public cereal::traits::TextArchive {
 public:
  // `out` must outlive the archive.
  explicit CompactJsonOutputArchive(std::string* out)
      : OutputArchive<CompactJsonOutputArchive>(this), out_(out) {
    stack_.push_back({Node::kRoot, 0});
  }

  void start_node() {
    write_name();
    stack_.push_back({Node::kStartObject, 0});
  }
  void finish_node() {
    switch (stack_.back().type) {
      case Node::kStartArray: out_->append("[]"); break;
      case Node::kInArray: out_->push_back(']'); break;
      case Node::kStartObject: out_->append("{}"); break;
      case Node::kInObject: out_->push_back('}'); break;
      case Node::kRoot: break;
    }
    stack_.pop_back();
  }
  void set_next_name(const char* name) { next_name_ = name; }
  void make_array() { stack_.back().type = Node::kStartArray; }

  // Opens the node if needed, writes the separator and (in an object) the member's name.
  void write_name() {
    Frame& f = stack_.back();
    switch (f.type) {
      case Node::kRoot:
        return;
      case Node::kStartArray:
        out_->push_back('[');
        f.type = Node::kInArray;
        return;
      case Node::kInArray:
        out_->push_back(',');
        return;
      case Node::kStartObject:
        out_->push_back('{');
        f.type = Node::kInObject;
        break;
      case Node::kInObject:
        out_->push_back(',');
        break;
    }
    if (next_name_ != nullptr) {
      append_json_string(out_, next_name_);
      next_name_ = nullptr;
    } else {
      append_json_string(out_, "value" + std::to_string(f.unnamed++));
    }
    out_->push_back(':');
  }

  void save_value(bool b) { out_->append(b ? "true" : "false"); }
  void save_string(std::string_view s) { append_json_string(out_, s); }
  void save_value(std::nullptr_t) { out_->append("null"); }
  template <typename T>
  void save_value(T v) {
    if constexpr (std::is_floating_point_v<T> && sizeof(T) <= sizeof(double)) {
      save_double(static_cast<double>(v));
    } else if constexpr (std::is_integral_v<T> && sizeof(T) <= sizeof(std::int64_t) &&
                         (!std::is_same_v<T, long long> || std::is_same_v<T, std::int64_t>) &&
                         (!std::is_same_v<T, unsigned long long> ||
                          std::is_same_v<T, std::uint64_t>)) {
      // Bytes and shorts promote to int in JSONOutputArchive; the digits are the same.
      append_json_int(out_, v);
    } else {
      // JSONOutputArchive writes the remaining "exotic" arithmetic types as strings.
      std::stringstream ss;
      ss.precision(std::numeric_limits<long double>::max_digits10);
      ss << v;
      append_json_string(out_, ss.str());
    }
  }

 private:
  enum class Node { kRoot, kStartObject, kInObject, kStartArray, kInArray };
  struct Frame {
    Node type;
    std::uint32_t unnamed;
  };

  void save_double(double d) {
    if (std::isnan(d)) {
      out_->append("NaN");
    } else if (std::isinf(d)) {
      out_->append(d < 0 ? "-Infinity" : "Infinity");
    } else {
      char buf[40];
      char* end = rapidjson::internal::dtoa(d, buf, 324);
      out_->append(buf, end);
    }
  }

  std::string* out_;
  const char* next_name_ = nullptr;
  std::vector<Frame> stack_;
};

// Prologue/epilogue and save functions, mirroring cereal/archives/json.hpp.
template <class T>
void prologue(CompactJsonOutputArchive&, const cereal::NameValuePair<T>&) {}
template <class T>
void epilogue(CompactJsonOutputArchive&, const cereal::NameValuePair<T>&) {}
template <class T>
void prologue(CompactJsonOutputArchive&, const cereal::DeferredData<T>&) {}
template <class T>
void epilogue(CompactJsonOutputArchive&, const cereal::DeferredData<T>&) {}
template <class T>
void prologue(CompactJsonOutputArchive& ar, const cereal::SizeTag<T>&) {
  ar.make_array();
}
template <class T>
void epilogue(CompactJsonOutputArchive&, const cereal::SizeTag<T>&) {}

template <class T,
          cereal::traits::EnableIf<
              !std::is_arithmetic<T>::value,
              !cereal::traits::has_minimal_base_class_serialization<
                  T, cereal::traits::has_minimal_output_serialization,
                  CompactJsonOutputArchive>::value,
              !cereal::traits::has_minimal_output_serialization<
                  T, CompactJsonOutputArchive>::value> = cereal::traits::sfinae>
void prologue(CompactJsonOutputArchive& ar, const T&) {
  ar.start_node();
}
template <class T,
          cereal::traits::EnableIf<
              !std::is_arithmetic<T>::value,
              !cereal::traits::has_minimal_base_class_serialization<
                  T, cereal::traits::has_minimal_output_serialization,
                  CompactJsonOutputArchive>::value,
              !cereal::traits::has_minimal_output_serialization<
                  T, CompactJsonOutputArchive>::value> = cereal::traits::sfinae>
void epilogue(CompactJsonOutputArchive& ar, const T&) {
  ar.finish_node();
}

inline void prologue(CompactJsonOutputArchive& ar, const std::nullptr_t&) { ar.write_name(); }
inline void epilogue(CompactJsonOutputArchive&, const std::nullptr_t&) {}
template <class T, cereal::traits::EnableIf<std::is_arithmetic<T>::value> = cereal::traits::sfinae>
void prologue(CompactJsonOutputArchive& ar, const T&) {
  ar.write_name();
}
template <class T, cereal::traits::EnableIf<std::is_arithmetic<T>::value> = cereal::traits::sfinae>
void epilogue(CompactJsonOutputArchive&, const T&) {}
template <class CharT, class Traits, class Alloc>
void prologue(CompactJsonOutputArchive& ar, const std::basic_string<CharT, Traits, Alloc>&) {
  ar.write_name();
}
template <class CharT, class Traits, class Alloc>
void epilogue(CompactJsonOutputArchive&, const std::basic_string<CharT, Traits, Alloc>&) {}

template <class T>
void CEREAL_SAVE_FUNCTION_NAME(CompactJsonOutputArchive& ar, const cereal::NameValuePair<T>& t) {
  ar.set_next_name(t.name);
  ar(t.value);
}
inline void CEREAL_SAVE_FUNCTION_NAME(CompactJsonOutputArchive& ar, const std::nullptr_t& t) {
  ar.save_value(t);
}
template <class T, cereal::traits::EnableIf<std::is_arithmetic<T>::value> = cereal::traits::sfinae>
void CEREAL_SAVE_FUNCTION_NAME(CompactJsonOutputArchive& ar, const T& t) {
  ar.save_value(t);
}
template <class Traits, class Alloc>
void CEREAL_SAVE_FUNCTION_NAME(CompactJsonOutputArchive& ar,
                               const std::basic_string<char, Traits, Alloc>& str) {
  ar.save_string(std::string_view(str.data(), str.size()));
}
template <class T>
void CEREAL_SAVE_FUNCTION_NAME(CompactJsonOutputArchive&, const cereal::SizeTag<T>&) {}

}  // namespace distsync
