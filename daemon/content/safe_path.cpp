#include "daemon/content/safe_path.h"

#include "daemon/content/normal_path.h"

namespace distsync {

bool is_temp_name(std::string_view name) {
  return name.starts_with(kReservedPrefix) || name.ends_with(kTempSuffix);
}

Status check_content_path(std::string_view rel) {
  if (rel.empty()) return Status::invalid_argument("empty path");
  if (rel.front() == '/') return Status::invalid_argument("absolute path");
  if (std::string defect = text_defect(rel); !defect.empty()) {
    return Status::invalid_argument(defect + " in name");
  }
  if (rel.find('\\') != std::string_view::npos) {
    return Status::invalid_argument("backslash in name");
  }
  if (rel.size() > kMaxPathBytes) {
    return Status::invalid_argument("path longer than " + std::to_string(kMaxPathBytes) + " bytes");
  }
  std::size_t start = 0;
  while (start <= rel.size()) {
    std::size_t end = rel.find('/', start);
    if (end == std::string_view::npos) end = rel.size();
    std::string_view part = rel.substr(start, end - start);
    if (part.empty()) return Status::invalid_argument("empty path component");
    if (part == ".") return Status::invalid_argument("'.' component");
    if (part == "..") return Status::invalid_argument("'..' component");
    if (part.size() > kMaxNameBytes) {
      return Status::invalid_argument("name longer than " + std::to_string(kMaxNameBytes) +
                                      " bytes");
    }
    start = end + 1;
  }
  // What passes is exactly a relative NormalPath already in normal form.
  return Status::ok();
}

std::string join_path(std::string_view root, std::string_view rel) {
  std::string out(root);
  if (!out.empty() && out.back() != '/') out.push_back('/');
  out.append(rel);
  return out;
}

}  // namespace distsync
