// What a child process has written, for tests that must know a real worker process has
// started copying: /proc/PID/io's "wchar" (bytes passed to write() and friends, sockets
// included; copy_file_range is not counted, so such workers run with --no-copy-file-range).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <fstream>
#include <string>

namespace distsync::testing {

// Bytes the process wrote through write() and friends; 0 if unreadable (e.g. it has exited).
inline std::uint64_t written_bytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/io");
  std::string key;
  std::uint64_t value = 0;
  while (in >> key >> value) {
    if (key == "wchar:") return value;
  }
  return 0;
}

}  // namespace distsync::testing
