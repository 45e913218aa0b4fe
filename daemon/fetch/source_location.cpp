#include "daemon/fetch/source_location.h"

#include <cctype>

#include "daemon/content/normal_path.h"

namespace distsync {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> percent_decode(std::string_view s, std::string_view spec) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    bool room = i + 2 < s.size();
    int hi = room ? hex_value(s[i + 1]) : -1;
    int lo = room ? hex_value(s[i + 2]) : -1;
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
      return Status::invalid_argument("bad percent-escape in source URL " + std::string(spec));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::string lower_scheme(std::string_view spec) {
  std::string s;
  for (char c : spec.substr(0, spec.find(':'))) {
    s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return s;
}

}  // namespace

Status check_source_url_secrets(std::string_view spec) {
  std::size_t sep = spec.find("://");
  if (sep == std::string_view::npos) return Status::ok();
  std::string_view rest = spec.substr(sep + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  // What the refusal may show: scheme, host and path, never the part that was refused.
  std::string_view host = authority.substr(authority.rfind('@') + 1);
  std::string_view path = rest.substr(authority.size());
  std::string where = lower_scheme(spec.substr(0, sep)) + "://" + std::string(host) +
                      std::string(path.substr(0, path.find_first_of("?#")));
  const std::string why =
      ": secrets never go into the log; publish the files where they need no credentials "
      "(this version supports only such sources)";
  if (authority.find('@') != std::string_view::npos) {
    return Status::invalid_argument("source URL " + shown(where) +
                                    " may not carry user info (user:password@)" + why);
  }
  if (path.find('?') != std::string_view::npos) {
    return Status::invalid_argument("source URL " + shown(where) +
                                    " may not carry a query string (...?token=)" + why);
  }
  if (path.find('#') != std::string_view::npos) {
    return Status::invalid_argument("source URL " + shown(where) +
                                    " may not carry a fragment (...#token)" + why);
  }
  return Status::ok();
}

Result<SourceLocation> parse_source_location(std::string_view spec) {
  if (spec.empty())
    return Status::invalid_argument("download source is empty; give a directory or URL");
  // Before anything echoes the spec: a refused secret must not reach a message either.
  if (Status s = check_source_url_secrets(spec); !s.is_ok()) return s;
  std::size_t sep = spec.find("://");
  if (sep == std::string_view::npos) {
    auto kind = spec.front() == '/' ? NormalPath::Kind::kAbsolute : NormalPath::Kind::kRelative;
    Result<NormalPath> dir = NormalPath::parse(spec, kind, "download source");
    if (!dir.ok()) return dir.status();
    return SourceLocation{SourceLocation::Kind::kDirectory, std::string(spec)};
  }
  if (std::string defect = text_defect(spec); !defect.empty()) {
    return Status::invalid_argument("source URL '" + shown(spec) + "' holds a " + defect);
  }
  std::string scheme = lower_scheme(spec.substr(0, sep));
  std::string_view rest = spec.substr(sep + 3);
  if (scheme == "file") {
    std::size_t slash = rest.find('/');
    std::string_view host = rest.substr(0, slash);
    if (!host.empty() && host != "localhost") {
      return Status::invalid_argument("file URL " + std::string(spec) +
                                      " names another host; mount the share and give its path");
    }
    if (slash == std::string_view::npos) {
      return Status::invalid_argument("file URL " + std::string(spec) + " has no path");
    }
    Result<std::string> path = percent_decode(rest.substr(slash), spec);
    if (!path.ok()) return path.status();
    Result<NormalPath> dir = NormalPath::parse(*path, NormalPath::Kind::kAbsolute, "file URL path");
    if (!dir.ok()) return dir.status();
    return SourceLocation{SourceLocation::Kind::kDirectory, std::move(path).value()};
  }
  if (scheme == "http" || scheme == "https") {
    if (rest.empty() || rest.front() == '/') {
      return Status::invalid_argument("source URL " + std::string(spec) + " has no host");
    }
    if (std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
      Result<std::string> path = percent_decode(rest.substr(slash), spec);
      if (!path.ok()) return path.status();
      Result<NormalPath> p = NormalPath::parse(*path, NormalPath::Kind::kAbsolute, "URL path");
      if (!p.ok()) return p.status();
    }
    std::string root(spec);
    while (root.ends_with('/')) root.pop_back();
    return SourceLocation{SourceLocation::Kind::kHttp, std::move(root)};
  }
  return Status::invalid_argument("download source " + std::string(spec) + " has scheme '" +
                                  scheme + "'; use a directory, file://, http:// or https://");
}

std::string http_url_for(const SourceLocation& location, std::string_view relative_path) {
  DISTSYNC_CHECK(location.kind == SourceLocation::Kind::kHttp);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string url = location.root;
  url.push_back('/');
  for (char c : relative_path) {
    auto u = static_cast<unsigned char>(c);
    bool plain = std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/';
    if (plain) {
      url.push_back(c);
    } else {
      url.push_back('%');
      url.push_back(kHex[u >> 4]);
      url.push_back(kHex[u & 0xf]);
    }
  }
  return url;
}

}  // namespace distsync
