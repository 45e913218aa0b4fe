// PendingWrites: key/value puts (and erases) a fold has decided but not yet saved, packed in one
// buffer so that folding an event allocates nothing per key (replay folds millions).
// Value type; not thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "events/log/event_log.h"

namespace distsync {

class PendingWrites {
 public:
  // The key is the concatenation of the parts.
  template <typename... Parts>
  void put(std::string_view value, const Parts&... key_parts) {
    append_entry(kPut, value, key_parts...);
  }
  template <typename... Parts>
  void erase(const Parts&... key_parts) {
    append_entry(kErase, {}, key_parts...);
  }
  // Erases every key that starts with the concatenated parts, as of the save.
  template <typename... Parts>
  void erase_prefix(const Parts&... key_parts) {
    append_entry(kErasePrefix, {}, key_parts...);
  }
  bool empty() const { return buffer_.empty(); }
  void clear() { buffer_.clear(); }

  // Applies every put and erase, in order, then clears.
  void save(StateTable& table) {
    std::size_t pos = 0;
    std::string_view b = buffer_;
    while (pos < b.size()) {
      const char op = b[pos++];
      std::string_view key = read(b, &pos), value = read(b, &pos);
      if (op == kPut) {
        table.put(key, value);
      } else if (op == kErase) {
        table.erase(key);
      } else {
        std::vector<std::string> doomed;
        table.scan(key, [&](std::string_view k, std::string_view) {
          doomed.emplace_back(k);
          return true;
        });
        for (const std::string& k : doomed) table.erase(k);
      }
    }
    buffer_.clear();
  }

 private:
  static constexpr char kPut = 'p', kErase = 'e', kErasePrefix = 'x';

  template <typename... Parts>
  void append_entry(char op, std::string_view value, const Parts&... key_parts) {
    buffer_.push_back(op);
    const std::uint32_t key_size = static_cast<std::uint32_t>((std::string_view(key_parts).size() + ...));
    append_size(key_size);
    (buffer_.append(std::string_view(key_parts)), ...);
    append_size(static_cast<std::uint32_t>(value.size()));
    buffer_.append(value);
  }
  void append_size(std::uint32_t n) { buffer_.append(reinterpret_cast<const char*>(&n), sizeof n); }
  static std::string_view read(std::string_view b, std::size_t* pos) {
    std::uint32_t n;
    std::memcpy(&n, b.data() + *pos, sizeof n);
    *pos += sizeof n;
    std::string_view s = b.substr(*pos, n);
    *pos += n;
    return s;
  }

  std::string buffer_;
};

}  // namespace distsync
