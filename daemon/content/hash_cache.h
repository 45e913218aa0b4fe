// HashCache: remembers the SHA-256 of content files between manifest builds, so that a file
// is hashed again only when its size, mtime or inode changed.
//
// On-disk format (UTF-8/bytes text, one record per line, '\n' terminated):
//
//   cache   := header record* trailer
//   header  := "distsync-hash-cache 1 " root "\n"
//   record  := sha256 " " size " " mtime_ns " " inode " " path "\n"
//   trailer := "end " count " " checksum "\n"
//
// sha256 and checksum are 64 lower-case hex digits; size, inode and count are unsigned
// decimal, mtime_ns signed decimal. `path` runs to the end of the line; it is a content path
// (safe_path.h), so it holds no control character. `root` is the content root the cache
// belongs to; a cache for another root is ignored. `checksum` is the SHA-256 of every byte
// before the trailer line, and `count` the number of records. The file is replaced atomically
// (temp + fsync + rename + fsync dir). A missing, foreign or corrupt cache is not an error:
// load() returns an empty cache and records why in load_status().
//
// A HashCache is a value; it is not thread-safe (thread-compatible).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "events/status.h"

namespace distsync {

struct CachedHash {
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::uint64_t inode = 0;
  std::string sha256;
};

class HashCache {
 public:
  // An empty cache that save() will write to `path`, for content under `root`.
  HashCache(std::string path, std::string root);

  // Reads the cache at `path`. Never fails: see load_status() for why it came back empty.
  static HashCache load(const std::string& path, const std::string& root);

  // The cached hash of `rel`, or nullptr when absent or when size, mtime or inode differ.
  const std::string* find(const std::string& rel, std::uint64_t size, std::int64_t mtime_ns,
                          std::uint64_t inode) const;
  void put(const std::string& rel, CachedHash entry);
  std::size_t size() const { return entries_.size(); }

  // Writes the cache atomically to its path.
  Status save() const;

  // Ok when the last load() read a valid cache; otherwise not_found (no file), corruption
  // (bad content, message says where) or invalid_argument (cache of another root).
  const Status& load_status() const { return load_status_; }

  // The serialised form described above; parse() is its inverse.
  std::string serialize() const;
  static Status parse(std::string_view text, const std::string& root,
                      std::unordered_map<std::string, CachedHash>* out);

 private:
  std::string path_;
  std::string root_;
  std::unordered_map<std::string, CachedHash> entries_;
  Status load_status_;
};

}  // namespace distsync
