// EntityStore<T>: a keyed collection of projected records that remembers which keys changed,
// so a projection persists only what an event touched.
//
// Keys in the StateTable are `<prefix><id>`; values are T in cereal portable binary (T must
// have a versioned serialize()). apply() code calls put()/erase(); save() writes the changed
// keys and forgets them. Records evict()ed from memory move to `<archive_prefix><id>`, so
// load() reads only the live ones and start-up does not grow with history.
// Value type; not thread-safe (the ProjectionSet serializes access).
#pragma once

#include <deque>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "events/bounded_binary.h"
#include "events/log/event_log.h"

namespace distsync {

template <typename T>
class EntityStore {
 public:
  explicit EntityStore(std::string prefix, std::string archive_prefix = "")
      : prefix_(std::move(prefix)), archive_prefix_(std::move(archive_prefix)) {}

  // A live record, or one of the last kRecentEvicted evicted ones: a reader must find a record
  // that was just evicted even before the transaction that archives it commits.
  const T* find(const std::string& id) const {
    auto it = items_.find(id);
    if (it != items_.end()) return &it->second;
    auto r = recent_.find(id);
    return r == recent_.end() ? nullptr : &r->second;
  }
  T* find_mutable(const std::string& id) {
    auto it = items_.find(id);
    if (it == items_.end()) return nullptr;
    dirty_.insert(id);
    return &it->second;
  }
  // The mutators take their key by value: callers pass a record's own id (`evict(job->id)`),
  // which would dangle once the record is moved or erased.
  void put(std::string id, T value) {
    dirty_.insert(id);
    items_[std::move(id)] = std::move(value);
  }
  void erase(std::string id) {
    items_.erase(id);
    dirty_.insert(std::move(id));
  }
  // Forgets `id` in memory but keeps its persisted record, under the archive prefix when there
  // is one.
  void evict(std::string id) {
    auto it = items_.find(id);
    if (it == items_.end()) return;
    evicted_[id] = it->second;
    recent_[id] = std::move(it->second);
    items_.erase(it);
    dirty_.erase(id);
    recent_order_.push_back(std::move(id));
    if (recent_order_.size() > kRecentEvicted) {
      recent_.erase(recent_order_.front());
      recent_order_.pop_front();
    }
  }
  const std::map<std::string, T>& items() const { return items_; }

  void save(StateTable& table) {
    for (const std::string& id : dirty_) {
      auto it = items_.find(id);
      if (it == items_.end()) table.erase(prefix_ + id);
      else table.put(prefix_ + id, encode(it->second));
    }
    for (const auto& [id, value] : evicted_) {
      if (archive_prefix_.empty()) {
        table.put(prefix_ + id, encode(value));
      } else {
        table.erase(prefix_ + id);
        table.put(archive_prefix_ + id, encode(value));
      }
    }
    dirty_.clear();
    evicted_.clear();
  }

  // Replaces memory with what `table` holds; `keep` filters which records stay in memory.
  template <typename Keep>
  void load(StateTable& table, Keep keep) {
    items_.clear();
    dirty_.clear();
    evicted_.clear();
    recent_.clear();
    recent_order_.clear();
    table.scan(prefix_, [&](std::string_view key, std::string_view value) {
      T v;
      if (decode(value, &v) && keep(v)) items_[std::string(key.substr(prefix_.size()))] = std::move(v);
      return true;
    });
  }
  void load(StateTable& table) {
    load(table, [](const T&) { return true; });
  }

  // A persisted record, whether or not it is in memory.
  static bool read(StateTable& table, const std::string& prefix, const std::string& id, T* out) {
    auto v = table.get(prefix + id);
    return v && decode(*v, out);
  }
  const std::string& prefix() const { return prefix_; }

  // Calls fn(record) for each archived record until it returns false.
  template <typename Fn>
  static void scan(StateTable& table, const std::string& prefix, Fn fn) {
    table.scan(prefix, [&](std::string_view, std::string_view value) {
      T v;
      return !decode(value, &v) || fn(v);
    });
  }

  static std::string encode(const T& v) {
    std::ostringstream os;
    {
      cereal::PortableBinaryOutputArchive ar(os);
      ar(v);
    }
    return std::move(os).str();
  }
  static bool decode(std::string_view bytes, T* out) {
    try {
      std::istringstream is{std::string(bytes)};
      cereal::PortableBinaryInputArchive ar(is);
      ar(*out);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  }

 private:
  static constexpr std::size_t kRecentEvicted = 256;

  std::string prefix_;
  std::string archive_prefix_;
  std::map<std::string, T> recent_;        // the last evicted records, for readers
  std::deque<std::string> recent_order_;
  std::map<std::string, T> items_;
  std::set<std::string> dirty_;
  std::map<std::string, T> evicted_;
};

}  // namespace distsync
