// MapStateTable: a StateTable held in a std::map, for the in-memory log, offline rebuilds and
// tests. Not thread-safe.
#pragma once

#include <map>
#include <string>

#include "events/log/event_log.h"

namespace distsync {

class MapStateTable : public StateTable {
 public:
  std::optional<std::string> get(std::string_view key) override {
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  void put(std::string_view key, std::string_view value) override {
    map_.insert_or_assign(std::string(key), std::string(value));
  }
  void erase(std::string_view key) override {
    auto it = map_.find(key);
    if (it != map_.end()) map_.erase(it);
  }
  void scan(std::string_view prefix,
            const std::function<bool(std::string_view, std::string_view)>& fn) override {
    for (auto it = map_.lower_bound(prefix); it != map_.end() && it->first.starts_with(prefix); ++it) {
      if (!fn(it->first, it->second)) break;
    }
  }
  const std::map<std::string, std::string, std::less<>>& map() const { return map_; }

 private:
  std::map<std::string, std::string, std::less<>> map_;
};

}  // namespace distsync
