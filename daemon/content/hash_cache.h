// HashCache: remembers the SHA-256 of content files between manifest builds, so that a file
// is hashed again only when its size, mtime or inode changed.
//
// On-disk format 2 (binary, little-endian, written by save()):
//
//   cache   := header record* trailer
//   header  := "distsync-hash-cache 2\n" u32 root_len, root bytes
//   record  := u8[32] sha256 (raw), u64 size, i64 mtime_ns, u64 inode, u32 path_len, path bytes
//   trailer := "end2" u64 count, u8[32] checksum
//
// Records are sorted by path and each path is a content path (safe_path.h). `root` is the
// content root the cache belongs to; a cache for another root is ignored. `checksum` is the
// SHA-256 of every byte before the trailer, and `count` the number of records. The file is
// read with one read(2) and decoded without a text parse; it is replaced atomically for
// readers (temp + rename) but not fsynced (durable_file.h, write_file_replace): a crash may
// leave it torn, and a torn cache fails its checksum and is ignored.
//
// Format 1 (text, "distsync-hash-cache 1 ROOT\n", then "sha256 size mtime_ns inode path\n"
// lines and "end COUNT CHECKSUM\n") is still read, so a cache an older distsync wrote keeps
// its hashes; loaded_old_format() then tells the caller to rewrite it (save() always writes
// format 2).
//
// A missing, foreign, corrupt or truncated cache is not an error: load() returns an empty
// cache and records why in load_status(). A cache miss means a re-hash, never a wrong skip.
//
// A HashCache is a value; it is not thread-safe (thread-compatible).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

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

  // Replaces the cache at its path (temp + rename, no fsync), in format 2.
  Status save() const;

  // Ok when the last load() read a valid cache; otherwise not_found (no file), corruption
  // (bad content, message says where) or invalid_argument (cache of another root).
  const Status& load_status() const { return load_status_; }
  // True when load() read a valid format-1 (text) cache: save() it to upgrade it.
  bool loaded_old_format() const { return old_format_; }

  // The serialised form (format 2); parse() is its inverse and also reads format 1.
  std::string serialize() const;
  static Status parse(std::string_view data, const std::string& root,
                      std::unordered_map<std::string, CachedHash>* out,
                      bool* old_format = nullptr);
  // Format 1, kept for tests of the upgrade path.
  std::string serialize_v1() const;

 private:
  using Entry = std::pair<const std::string, CachedHash>;
  // The entries in path order, for a serialised form that depends only on the content.
  std::vector<const Entry*> sorted_entries() const;

  std::string path_;
  std::string root_;
  std::unordered_map<std::string, CachedHash> entries_;
  Status load_status_;
  bool old_format_ = false;
};

}  // namespace distsync
