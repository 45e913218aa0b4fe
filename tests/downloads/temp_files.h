// Helpers that look for the fetcher's temp files (".distsync-*", "*.distsync-tmp") under a
// console folder, for tests that must catch a download mid-file.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tests/fetch/fetch_test_util.h"

namespace distsync::testing {

// Names of the fetcher's temp files anywhere under `root`.
inline std::vector<std::string> temp_files_under(const std::string& root) {
  std::vector<std::string> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return out;
  for (const std::string& p : list_tree(root)) {
    auto slash = p.rfind('/');
    std::string name = slash == std::string::npos ? p : p.substr(slash + 1);
    if (name.rfind(".distsync-", 0) == 0 || name.ends_with(".distsync-tmp")) out.push_back(p);
  }
  return out;
}

// Bytes held in the fetcher's temp files under `root` (0 if it does not exist yet).
inline std::uintmax_t temp_bytes_under(const std::string& root) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return 0;
  std::uintmax_t total = 0;
  for (const std::string& p : temp_files_under(root)) {
    total += std::filesystem::file_size(root + "/" + p, ec);
    if (ec) ec.clear();
  }
  return total;
}

// Polls (every 20 ms, up to `timeout`) until a temp file under `root` holds bytes.
inline bool wait_for_temp_bytes(const std::string& root,
                                std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (temp_bytes_under(root) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace distsync::testing
