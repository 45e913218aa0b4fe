#include "daemon/fetch/source_manifest.h"

#include <fnmatch.h>

#include <cereal/archives/json.hpp>  // brings rapidjson, with assertions that throw

#include "daemon/content/safe_path.h"
#include "events/json_text.h"
// rapidjson's MemberIterator == is a template with a non-const `this`, which C++20's reversed
// candidates make ambiguous; clang says so for every `it == doc.MemberEnd()`, GCC does not.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wambiguous-reversed-operator"
#endif

namespace distsync {
namespace {

constexpr std::string_view kFormat = "distsync-manifest";
constexpr int kVersion = 1;

bool is_hex_digest(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

bool is_reserved_component(std::string_view c) {
  constexpr std::string_view kPrefix = ".distsync-";
  constexpr std::string_view kSuffix = ".distsync-tmp";
  return c.starts_with(kPrefix) || c.ends_with(kSuffix);
}

Status malformed(const std::string& what) {
  return Status::invalid_argument("malformed download manifest: " + what);
}

Result<SourceManifest> parse_document(std::string_view json) {
  // rapidjson's parser recurses once per level: bound the depth before it runs.
  if (Status s = check_json_depth(json, "download manifest"); !s.is_ok()) return s;
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseStopWhenDoneFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    return malformed("not JSON (error at offset " + std::to_string(doc.GetErrorOffset()) + ")");
  }
  if (!doc.IsObject()) return malformed("top level is not an object");
  auto format = doc.FindMember("format");
  if (format == doc.MemberEnd() || !format->value.IsString() ||
      std::string_view(format->value.GetString(), format->value.GetStringLength()) != kFormat) {
    return malformed("\"format\" must be \"distsync-manifest\"");
  }
  auto version = doc.FindMember("version");
  if (version == doc.MemberEnd() || !version->value.IsInt()) {
    return malformed("\"version\" must be an integer");
  }
  if (version->value.GetInt() != kVersion) {
    return malformed("version " + std::to_string(version->value.GetInt()) +
                     " is not supported (this build reads version 1); upgrade distsync");
  }
  auto files = doc.FindMember("files");
  if (files == doc.MemberEnd() || !files->value.IsArray()) {
    return malformed("\"files\" must be an array");
  }
  SourceManifest out;
  out.files.reserve(files->value.Size());
  for (rapidjson::SizeType i = 0; i < files->value.Size(); ++i) {
    const auto& f = files->value[i];
    std::string where = "files[" + std::to_string(i) + "]";
    if (!f.IsObject()) return malformed(where + " is not an object");
    auto path = f.FindMember("path");
    auto size = f.FindMember("size");
    auto sha = f.FindMember("sha256");
    if (path == f.MemberEnd() || !path->value.IsString()) {
      return malformed(where + ".path must be a string");
    }
    if (size == f.MemberEnd() || !size->value.IsUint64()) {
      return malformed(where + ".size must be a non-negative integer");
    }
    if (sha == f.MemberEnd() || !sha->value.IsString()) {
      return malformed(where + ".sha256 must be a string");
    }
    SourceEntry e;
    e.path.assign(path->value.GetString(), path->value.GetStringLength());
    e.size = size->value.GetUint64();
    e.sha256 = lower(std::string(sha->value.GetString(), sha->value.GetStringLength()));
    out.files.push_back(std::move(e));
  }
  return out;
}

}  // namespace

Result<SourceManifest> parse_source_manifest(std::string_view json) {
  try {
    return parse_document(json);
  } catch (const std::exception& e) {  // rapidjson assertions throw; never let one escape
    return malformed(e.what());
  }
}

std::string render_source_manifest(const SourceManifest& manifest) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("format");
  w.String(kFormat.data(), static_cast<rapidjson::SizeType>(kFormat.size()));
  w.Key("version");
  w.Int(kVersion);
  w.Key("files");
  w.StartArray();
  for (const SourceEntry& e : manifest.files) {
    w.StartObject();
    w.Key("path");
    w.String(e.path.data(), static_cast<rapidjson::SizeType>(e.path.size()));
    w.Key("size");
    w.Uint64(e.size);
    w.Key("sha256");
    w.String(e.sha256.data(), static_cast<rapidjson::SizeType>(e.sha256.size()));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

bool is_safe_relative_path(std::string_view path) {
  if (!check_content_path(path).is_ok()) return false;
  if (path.find(':') != std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view comp = path.substr(start, slash - start);
    if (comp.empty() || comp == "." || comp == ".." || is_reserved_component(comp)) return false;
    start = slash + 1;
  }
  return true;
}

Status check_source_entry(const SourceEntry& e) {
  if (!is_safe_relative_path(e.path)) {
    return Status::invalid_argument(
        "unsafe path refused: it must be relative, '/'-separated, without '..', '.', empty or "
        "reserved components, backslashes, colons, control characters or over-long names");
  }
  if (!is_hex_digest(e.sha256)) {
    return Status::invalid_argument("sha256 must be 64 hex characters");
  }
  return Status::ok();
}

bool entry_selected(const std::vector<std::string>& only, std::string_view path) {
  if (only.empty()) return true;
  std::string full(path);
  std::size_t slash = full.rfind('/');
  std::string base = slash == std::string::npos ? full : full.substr(slash + 1);
  for (const std::string& pattern : only) {
    if (::fnmatch(pattern.c_str(), full.c_str(), 0) == 0) return true;
    if (::fnmatch(pattern.c_str(), base.c_str(), 0) == 0) return true;
  }
  return false;
}

}  // namespace distsync
