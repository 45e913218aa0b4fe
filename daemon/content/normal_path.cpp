#include "daemon/content/normal_path.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace distsync {
namespace {

std::string hex_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02x", c);
  return buf;
}

// Length of the character starting at text[i] when it may be shown raw; 0 with `defect` set
// when it may not. Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
std::size_t clean_char(std::string_view text, std::size_t i, std::string* defect) {
  auto b = static_cast<unsigned char>(text[i]);
  if (b < 0x20 || b == 0x7f) {
    *defect = "control character " + hex_byte(b);
    return 0;
  }
  if (b < 0x80) return 1;
  std::size_t len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
  if (b > 0xf4) len = 0;
  std::uint32_t cp = len == 2 ? b & 0x1f : len == 3 ? b & 0x0f : b & 0x07;
  for (std::size_t k = 1; k < len; ++k) {
    if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
      len = 0;
      break;
    }
    cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3f);
  }
  bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (len == 0 || overlong || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
    *defect = "byte " + hex_byte(b) + " that is not UTF-8";
    return 0;
  }
  if (cp >= 0x80 && cp <= 0x9f) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "control character U+%04X", static_cast<unsigned>(cp));
    *defect = buf;
    return 0;
  }
  return len;
}

Status refuse(std::string_view what, std::string_view raw, const std::string& cause) {
  return Status::invalid_argument(std::string(what) + " '" + shown(raw) + "' " + cause);
}

}  // namespace

std::string text_defect(std::string_view text) {
  // Printable ASCII, the common case (every name of a manifest walk passes here), needs no
  // per-character decoding.
  if (std::all_of(text.begin(), text.end(), [](char c) {
        auto b = static_cast<unsigned char>(c);
        return b >= 0x20 && b < 0x7f;
      })) {
    return {};
  }
  std::string defect;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = clean_char(text, i, &defect);
    if (n == 0) return defect;
    i += n;
  }
  return defect;
}

std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  std::string defect;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = clean_char(text, i, &defect);
    if (n > 0) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    // A C1 control is two bytes in UTF-8; escape both so no stray lead byte remains.
    auto b = static_cast<unsigned char>(text[i]);
    bool c1 = b == 0xc2 && i + 1 < text.size() &&
              (static_cast<unsigned char>(text[i + 1]) & 0xe0) == 0x80;
    std::size_t bad = c1 ? 2 : 1;
    for (std::size_t k = 0; k < bad; ++k) {
      auto u = static_cast<unsigned char>(text[i + k]);
      out += "\\x";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
    i += bad;
  }
  return out;
}

std::string shown(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return printable(text);
  return printable(text.substr(0, max_bytes)) + "...";
}

Result<NormalPath> NormalPath::parse(std::string_view raw, Kind kind, std::string_view what) {
  if (raw.empty()) return Status::invalid_argument(std::string(what) + " is empty");
  if (raw.size() > kMaxPathBytes) {
    return refuse(what, raw,
                  "is " + std::to_string(raw.size()) + " bytes long; the limit is " +
                      std::to_string(kMaxPathBytes));
  }
  if (std::string defect = text_defect(raw); !defect.empty()) {
    return refuse(what, raw, "holds a " + defect + "; paths may not");
  }
  bool absolute = raw.front() == '/';
  if (kind == Kind::kAbsolute && !absolute) return refuse(what, raw, "is not absolute");
  if (kind == Kind::kRelative && absolute) {
    return refuse(what, raw, "is absolute; give a path relative to its root");
  }
  std::string out;
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t slash = raw.find('/', start);
    if (slash == std::string_view::npos) slash = raw.size();
    std::string_view part = raw.substr(start, slash - start);
    start = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      return refuse(what, raw, "has a '..' component; give the path without it");
    }
    if (part.size() > kMaxNameBytes) {
      return refuse(what, raw,
                    "has a component of " + std::to_string(part.size()) + " bytes; the limit is " +
                        std::to_string(kMaxNameBytes));
    }
    if (absolute || !out.empty()) out.push_back('/');
    out.append(part);
  }
  if (out.empty()) {
    if (!absolute) return refuse(what, raw, "names no folder");
    out = "/";
  }
  return NormalPath(std::move(out));
}

bool NormalPath::is_within(const NormalPath& other) const {
  if (path_ == other.path_) return true;
  if (other.path_ == "/") return is_absolute();
  return path_.size() > other.path_.size() && path_.starts_with(other.path_) &&
         path_[other.path_.size()] == '/';
}

}  // namespace distsync
