// SourceManifest: what a download source publishes — each file's relative path, size and
// SHA-256. The on-wire format (`distsync-manifest.json` at the source root) is described in
// docs/download-manifest.md.
//
// Parsing checks the document's shape only; a manifest comes from outside and each entry must
// still pass check_source_entry() before anything is written for it, so one bad entry is
// refused by name without hiding the good ones. Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"

namespace distsync {

// The file name a source publishes its manifest under, at its root.
inline constexpr std::string_view kSourceManifestName = "distsync-manifest.json";

struct SourceEntry {
  std::string path;  // relative, '/'-separated, e.g. "Engines/engine_0.dll"
  std::uint64_t size = 0;
  std::string sha256;  // 64 lower-case hex characters

  bool operator==(const SourceEntry&) const = default;
};

struct SourceManifest {
  std::vector<SourceEntry> files;
  // Paths of symlinks a directory source found and did not follow, sorted. Not part of the
  // on-wire manifest: each is reported as a failed entry of the fetch.
  std::vector<std::string> symlinks;

  bool operator==(const SourceManifest&) const = default;
};

// invalid_argument naming the defect if `json` is not a version-1 distsync manifest.
// Hex digests are lower-cased; entries are otherwise kept as published, in order.
Result<SourceManifest> parse_source_manifest(std::string_view json);

// The manifest as a JSON document that parse_source_manifest() reads back unchanged.
std::string render_source_manifest(const SourceManifest& manifest);

// True if `path` may be joined under a destination directory without escaping it: it passes
// check_content_path (daemon/content/safe_path.h: relative, '/'-separated, already normal, no
// "..", no backslash, control character or non-UTF-8 byte, components up to 255 and the path
// up to 4096 bytes), has no colon, and no component a fetcher reserves for itself
// (".distsync-*", "*.distsync-tmp").
bool is_safe_relative_path(std::string_view path);

// ok, or invalid_argument naming the entry and what is wrong with its path or digest.
Status check_source_entry(const SourceEntry& entry);

// True if `only` is empty, or some pattern fnmatch-es the entry's whole path or its last
// component ("*.msu" or "Patches/2024-*").
bool entry_selected(const std::vector<std::string>& only, std::string_view path);

}  // namespace distsync
