// NormalPath: the one path type for every path an operator or a peer hands the daemon —
// server roots, component folders, download source directories, manifest entries, and the
// paths a remote agent will send.
//
// parse() normalizes (collapses "//", drops "." components and a trailing '/') and refuses,
// with a one-line message naming the cause, what no path of ours may hold: a ".." component,
// NUL or any other control character (C0 including ESC, DEL, C1 such as CSI U+009B), bytes
// that are not UTF-8, a component over kMaxNameBytes or a path over kMaxPathBytes. Two NormalPaths
// are equal exactly when they name the same place spelled the same way, so a rule such as
// "one server per folder" compares them directly.
//
// text_defect() and printable() apply the same character rules to free text (descriptions,
// names) and to what a terminal shows. Pure value type and functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "events/result.h"

namespace distsync {

// Longest path and longest component accepted (Linux PATH_MAX and NAME_MAX).
inline constexpr std::size_t kMaxPathBytes = 4096;
inline constexpr std::size_t kMaxNameBytes = 255;

// Why `text` may not be shown raw on a terminal or put into the log: "control character
// 0x0a", "control character U+009B", "byte 0xff that is not UTF-8". Empty when it may.
std::string text_defect(std::string_view text);

// `text` with every character text_defect() objects to written as \xNN (each byte), for
// messages and terminals. Text that has no defect is returned unchanged.
std::string printable(std::string_view text);

// printable(), cut to `max_bytes` (plus "...") so a refusal of a huge value stays one line.
std::string shown(std::string_view text, std::size_t max_bytes = 120);

class NormalPath {
 public:
  enum class Kind { kAbsolute, kRelative };

  // The normal form of `raw`, or invalid_argument "<what> '<raw>' <cause>", with raw shown
  // escaped. `what` names the field in the message ("server path", "component folder").
  // A relative path must not start with '/', an absolute one must; a relative path that
  // normalizes to nothing (".", "./") is refused as naming no folder.
  static Result<NormalPath> parse(std::string_view raw, Kind kind, std::string_view what);

  const std::string& str() const { return path_; }
  bool is_absolute() const { return !path_.empty() && path_.front() == '/'; }

  // True when this path is `other` or lies beneath it, component by component
  // ("/srv/a/b" is within "/srv/a", "/srv/ab" is not).
  bool is_within(const NormalPath& other) const;

  bool operator==(const NormalPath&) const = default;

 private:
  explicit NormalPath(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace distsync
