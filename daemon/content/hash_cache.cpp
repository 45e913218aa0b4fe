#include "daemon/content/hash_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <type_traits>
#include <vector>

#include "daemon/content/durable_file.h"
#include "daemon/content/safe_path.h"
#include "daemon/content/sha256_file.h"

namespace distsync {
namespace {

constexpr std::string_view kMagic = "distsync-hash-cache 1 ";
constexpr std::string_view kMagic2 = "distsync-hash-cache 2\n";
constexpr std::string_view kTrailer2 = "end2";
constexpr std::size_t kTrailer2Size = 4 + 8 + 32;
constexpr char kHex[] = "0123456789abcdef";

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

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// 64 lower-case hex digits (is_hex64) to 32 bytes.
void append_raw(std::string* out, std::string_view hex) {
  for (std::size_t i = 0; i < 64; i += 2) {
    out->push_back(static_cast<char>((hex_digit(hex[i]) << 4) | hex_digit(hex[i + 1])));
  }
}

std::string to_hex(const unsigned char* raw) {
  std::string out(64, '0');
  for (std::size_t i = 0; i < 32; ++i) {
    out[2 * i] = kHex[raw[i] >> 4];
    out[2 * i + 1] = kHex[raw[i] & 0xf];
  }
  return out;
}

template <typename T>
void append_le(std::string* out, T v) {
  auto u = static_cast<std::make_unsigned_t<T>>(v);
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out->push_back(static_cast<char>((u >> (8 * i)) & 0xff));
  }
}

// Reads little-endian integers and byte runs from a buffer; any read past its end sets
// `truncated` and yields zeros.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  template <typename T>
  T get() {
    if (data_.size() - pos_ < sizeof(T)) {
      truncated = true;
      pos_ = data_.size();
      return 0;
    }
    std::make_unsigned_t<T> u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      u |= static_cast<std::make_unsigned_t<T>>(static_cast<unsigned char>(data_[pos_ + i]))
           << (8 * i);
    }
    pos_ += sizeof(T);
    return static_cast<T>(u);
  }
  std::string_view bytes(std::size_t n) {
    if (data_.size() - pos_ < n) {
      truncated = true;
      pos_ = data_.size();
      return {};
    }
    std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::size_t pos() const { return pos_; }
  bool truncated = false;

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

// Format 2 (see hash_cache.h). Paths are not re-checked with check_content_path: the
// checksum shows the records are the ones save() wrote, put() only ever receives paths a
// manifest walk produced, and a cached path is only ever compared with a walked one.
Status parse_v2(std::string_view data, const std::string& root,
                std::unordered_map<std::string, CachedHash>* out) {
  Reader head(data.substr(kMagic2.size()));
  auto root_len = head.get<std::uint32_t>();
  std::string_view cached_root = head.bytes(root_len);
  if (head.truncated) return Status::corruption("truncated in the header");
  if (cached_root != root) {
    return Status::invalid_argument("cache belongs to root '" + std::string(cached_root) + "'");
  }
  const std::size_t records_at = kMagic2.size() + head.pos();
  if (data.size() < records_at + kTrailer2Size) return Status::corruption("truncated: no trailer");
  const std::size_t trailer_at = data.size() - kTrailer2Size;
  Reader trailer(data.substr(trailer_at));
  if (trailer.bytes(kTrailer2.size()) != kTrailer2) {
    return Status::corruption("truncated or bad trailer");
  }
  auto count = trailer.get<std::uint64_t>();
  std::string_view checksum = trailer.bytes(32);
  std::string actual;
  append_raw(&actual, sha256_hex(data.substr(0, trailer_at)));
  if (checksum != actual) return Status::corruption("checksum mismatch");
  // A record is at least 60 bytes: a count beyond what the file can hold is corrupt.
  if (count > (trailer_at - records_at) / 60) return Status::corruption("record count mismatch");
  out->reserve(static_cast<std::size_t>(count));
  Reader r(data.substr(records_at, trailer_at - records_at));
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string_view sha = r.bytes(32);
    CachedHash e;
    e.size = r.get<std::uint64_t>();
    e.mtime_ns = r.get<std::int64_t>();
    e.inode = r.get<std::uint64_t>();
    auto path_len = r.get<std::uint32_t>();
    std::string_view path = r.bytes(path_len);
    if (r.truncated) return Status::corruption("record " + std::to_string(i + 1) + " truncated");
    if (path.empty() || path.find('\0') != std::string_view::npos) {
      return Status::corruption("record " + std::to_string(i + 1) + ": bad path");
    }
    e.sha256 = to_hex(reinterpret_cast<const unsigned char*>(sha.data()));
    out->insert_or_assign(std::string(path), std::move(e));
  }
  if (r.pos() != trailer_at - records_at) return Status::corruption("record count mismatch");
  return Status::ok();
}

// The whole file in one read; not_found when absent.
Status read_whole(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return err == ENOENT ? Status::not_found("no hash cache at " + path)
                         : Status::io_error("cannot open " + path + ": " + std::strerror(err));
  }
  struct stat st;
  Status s = Status::ok();
  if (::fstat(fd, &st) != 0) {
    s = Status::io_error("cannot stat " + path + ": " + std::strerror(errno));
  } else {
    out->resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < out->size()) {
      ssize_t n = ::read(fd, out->data() + got, out->size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        s = Status::io_error("cannot read " + path + ": " + std::strerror(errno));
        break;
      }
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
    out->resize(got);
  }
  ::close(fd);
  return s;
}

}  // namespace

HashCache::HashCache(std::string path, std::string root)
    : path_(std::move(path)), root_(std::move(root)) {}

HashCache HashCache::load(const std::string& path, const std::string& root) {
  HashCache cache(path, root);
  std::string data;
  Status read = read_whole(path, &data);
  if (!read.is_ok()) {
    cache.load_status_ = read.code() == Status::Code::kNotFound
                             ? read
                             : Status::corruption(read.message());
    return cache;
  }
  Status s = parse(data, root, &cache.entries_, &cache.old_format_);
  if (!s.is_ok()) {
    cache.entries_.clear();
    cache.old_format_ = false;
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

std::vector<const HashCache::Entry*> HashCache::sorted_entries() const {
  // Sorted, so the same content always gives the same bytes.
  std::vector<const Entry*> sorted;
  sorted.reserve(entries_.size());
  for (const auto& kv : entries_) sorted.push_back(&kv);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  return sorted;
}

std::string HashCache::serialize_v1() const {
  const auto sorted = sorted_entries();
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

std::string HashCache::serialize() const {
  const auto sorted = sorted_entries();
  std::string out;
  out.reserve(kMagic2.size() + 4 + root_.size() + sorted.size() * 100 + kTrailer2Size);
  out.append(kMagic2);
  append_le(&out, static_cast<std::uint32_t>(root_.size()));
  out.append(root_);
  for (const auto* kv : sorted) {
    const CachedHash& e = kv->second;
    append_raw(&out, e.sha256);
    append_le(&out, e.size);
    append_le(&out, e.mtime_ns);
    append_le(&out, e.inode);
    append_le(&out, static_cast<std::uint32_t>(kv->first.size()));
    out.append(kv->first);
  }
  std::string checksum = sha256_hex(out);
  out.append(kTrailer2);
  append_le(&out, static_cast<std::uint64_t>(sorted.size()));
  append_raw(&out, checksum);
  return out;
}

Status HashCache::parse(std::string_view text, const std::string& root,
                        std::unordered_map<std::string, CachedHash>* out, bool* old_format) {
  out->clear();
  if (old_format != nullptr) *old_format = false;
  if (text.starts_with(kMagic2)) return parse_v2(text, root, out);
  if (!text.starts_with(kMagic)) return Status::corruption("not a distsync hash cache");
  if (old_format != nullptr) *old_format = true;
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

// Not fsynced: the cache only saves hashing, and a cache torn by a crash fails its checksum
// and is ignored. An fsync of a 2 MB cache was most of the cost of remembering 200 hashes.
Status HashCache::save() const { return write_file_replace(path_, serialize()); }

}  // namespace distsync
