#include "daemon/alerts/header_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace distsync {

Result<std::vector<std::string>> read_header_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Status::invalid_argument("headers_file " + path +
                                    " cannot be read: " + std::strerror(errno));
  }
  std::vector<std::string> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    const std::size_t colon = line.find(':');
    bool ok = colon != std::string::npos && colon > 0;
    for (std::size_t i = 0; ok && i < colon; ++i) {
      const char c = line[i];
      ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_';
    }
    for (char c : line) ok = ok && c != '\n' && c != '\0';
    if (!ok) {
      return Status::invalid_argument("headers_file " + path + " line " + std::to_string(n) +
                                      " is not a 'Name: value' header");
    }
    out.push_back(line);
  }
  return out;
}

}  // namespace distsync
