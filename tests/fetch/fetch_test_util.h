// Helpers for the fetch tests: temp directories, small file I/O, and the HTTP fixture server
// (http_fixture_server.py run under python3 from PATH on a loopback ephemeral port).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/fetch/source_manifest.h"

namespace distsync::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

// A directory path that joins with `/`, for a directory a test makes under a TempDir.
struct DirPath {
  std::string path;
  operator const std::string&() const { return path; }  // NOLINT: implicit by design
  std::string operator/(const std::string& rel) const { return path + "/" + rel; }
};

// Writes `content` to `path`, creating parent directories.
void write_file(const std::string& path, const std::string& content);
std::string read_file(const std::string& path);
bool exists(const std::string& path);
// Deterministic pseudo-random bytes (not compressible, no repeats within a file).
std::string make_bytes(std::size_t n, std::uint32_t seed);
// Relative paths of every entry (files and dirs) under `root`, sorted.
std::vector<std::string> list_tree(const std::string& root);
std::string sha256_hex(const std::string& data);

// The HTTP fixture server. Start() blocks until the server has printed its port.
class FixtureServer {
 public:
  // `args` are extra command-line options, e.g. {"--drop-after", "1000"}.
  FixtureServer(const std::string& root, const std::string& log_path,
                std::vector<std::string> args = {});
  ~FixtureServer();
  FixtureServer(const FixtureServer&) = delete;
  FixtureServer& operator=(const FixtureServer&) = delete;

  bool running() const { return port_ > 0; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The request lines the server logged so far.
  std::vector<std::string> requests() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

// A loopback port that nothing listens on (bound, then closed, by us).
int closed_loopback_port();

}  // namespace distsync::testing
