#include "daemon/content/safe_path.h"

#include <cstdio>

namespace distsync {

bool is_temp_name(std::string_view name) {
  return name.starts_with(kReservedPrefix) || name.ends_with(kTempSuffix);
}

Status check_content_path(std::string_view rel) {
  if (rel.empty()) return Status::invalid_argument("empty path");
  if (rel.front() == '/') return Status::invalid_argument("absolute path");
  for (unsigned char c : rel) {
    if (c < 0x20 || c == 0x7f) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "control character 0x%02x in name", c);
      return Status::invalid_argument(buf);
    }
    if (c == '\\') return Status::invalid_argument("backslash in name");
  }
  std::size_t start = 0;
  while (start <= rel.size()) {
    std::size_t end = rel.find('/', start);
    if (end == std::string_view::npos) end = rel.size();
    std::string_view part = rel.substr(start, end - start);
    if (part.empty()) return Status::invalid_argument("empty path component");
    if (part == ".") return Status::invalid_argument("'.' component");
    if (part == "..") return Status::invalid_argument("'..' component");
    start = end + 1;
  }
  return Status::ok();
}

std::string join_path(std::string_view root, std::string_view rel) {
  std::string out(root);
  if (!out.empty() && out.back() != '/') out.push_back('/');
  out.append(rel);
  return out;
}

}  // namespace distsync
