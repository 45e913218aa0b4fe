#include "daemon/content/hash_cache.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

#include "daemon/content/durable_file.h"
#include "daemon/content/safe_path.h"
#include "daemon/content/sha256_file.h"

namespace distsync {
namespace {

constexpr std::string_view kMagic = "distsync-hash-cache 1 ";

bool is_hex64(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

template <typename T>
bool parse_number(std::string_view s, T* out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// Splits off the text up to the next space; false when there is none.
bool take_field(std::string_view* line, std::string_view* field) {
  std::size_t sp = line->find(' ');
  if (sp == std::string_view::npos) return false;
  *field = line->substr(0, sp);
  line->remove_prefix(sp + 1);
  return true;
}

}  // namespace

HashCache::HashCache(std::string path, std::string root)
    : path_(std::move(path)), root_(std::move(root)) {}

HashCache HashCache::load(const std::string& path, const std::string& root) {
  HashCache cache(path, root);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    cache.load_status_ = Status::not_found("no hash cache at " + path);
    return cache;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  Status s = parse(buf.str(), root, &cache.entries_);
  if (!s.is_ok()) {
    cache.entries_.clear();
    cache.load_status_ = Status(s.code() == Status::Code::kInvalidArgument
                                    ? Status::invalid_argument(path + ": " + s.message())
                                    : Status::corruption(path + ": " + s.message()));
  }
  return cache;
}

const std::string* HashCache::find(const std::string& rel, std::uint64_t size,
                                   std::int64_t mtime_ns, std::uint64_t inode) const {
  auto it = entries_.find(rel);
  if (it == entries_.end()) return nullptr;
  const CachedHash& e = it->second;
  if (e.size != size || e.mtime_ns != mtime_ns || e.inode != inode) return nullptr;
  return &e.sha256;
}

void HashCache::put(const std::string& rel, CachedHash entry) {
  DISTSYNC_CHECK(is_hex64(entry.sha256));
  entries_[rel] = std::move(entry);
}

std::string HashCache::serialize() const {
  // Sorted, so the same content always gives the same bytes.
  std::vector<const std::pair<const std::string, CachedHash>*> sorted;
  sorted.reserve(entries_.size());
  for (const auto& kv : entries_) sorted.push_back(&kv);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::string out;
  out.append(kMagic).append(root_).push_back('\n');
  for (const auto* kv : sorted) {
    const CachedHash& e = kv->second;
    out.append(e.sha256).push_back(' ');
    out.append(std::to_string(e.size)).push_back(' ');
    out.append(std::to_string(e.mtime_ns)).push_back(' ');
    out.append(std::to_string(e.inode)).push_back(' ');
    out.append(kv->first).push_back('\n');
  }
  std::string checksum = sha256_hex(out);
  out.append("end ").append(std::to_string(sorted.size())).push_back(' ');
  out.append(checksum).push_back('\n');
  return out;
}

Status HashCache::parse(std::string_view text, const std::string& root,
                        std::unordered_map<std::string, CachedHash>* out) {
  out->clear();
  if (!text.starts_with(kMagic)) return Status::corruption("not a distsync hash cache");
  std::size_t pos = 0;
  std::size_t line_no = 0;
  std::size_t records = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      return Status::corruption("truncated at line " + std::to_string(line_no + 1));
    }
    std::string_view line = text.substr(pos, nl - pos);
    std::size_t line_start = pos;
    pos = nl + 1;
    ++line_no;
    auto bad = [&](std::string_view what) {
      return Status::corruption("line " + std::to_string(line_no) + ": " + std::string(what));
    };
    if (line_no == 1) {
      if (line.substr(kMagic.size()) != root) {
        return Status::invalid_argument("cache belongs to root '" +
                                        std::string(line.substr(kMagic.size())) + "'");
      }
      continue;
    }
    if (line.starts_with("end ")) {
      std::string_view rest = line.substr(4);
      std::string_view count_text;
      std::size_t count = 0;
      if (!take_field(&rest, &count_text) || !parse_number(count_text, &count)) {
        return bad("bad trailer");
      }
      if (count != records) return bad("record count mismatch");
      if (!is_hex64(rest) || rest != sha256_hex(text.substr(0, line_start))) {
        return bad("checksum mismatch");
      }
      if (pos != text.size()) return bad("data after trailer");
      return Status::ok();
    }
    std::string_view f;
    CachedHash e;
    if (!take_field(&line, &f) || !is_hex64(f)) return bad("bad sha256");
    e.sha256 = std::string(f);
    if (!take_field(&line, &f) || !parse_number(f, &e.size)) return bad("bad size");
    if (!take_field(&line, &f) || !parse_number(f, &e.mtime_ns)) return bad("bad mtime");
    if (!take_field(&line, &f) || !parse_number(f, &e.inode)) return bad("bad inode");
    if (!check_content_path(line).is_ok()) return bad("unsafe path");
    (*out)[std::string(line)] = std::move(e);
    ++records;
  }
  return Status::corruption("missing trailer");
}

Status HashCache::save() const { return write_file_atomic(path_, serialize()); }

}  // namespace distsync
