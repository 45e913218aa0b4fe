// Keeps the layers honest: events <- projections <- daemon <- tools. A lower layer never
// includes a higher one, and LMDB and ZeroMQ stay out of public headers and projections.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Include {
  std::string file;
  int line;
  std::string target;
};

std::vector<Include> includes_under(const std::string& layer) {
  std::vector<Include> out;
  const std::regex include_re(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])");
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(DISTSYNC_SOURCE_DIR) / layer)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".h" && ext != ".cpp")) continue;
    std::ifstream in(entry.path());
    std::string text;
    for (int n = 1; std::getline(in, text); ++n) {
      std::smatch m;
      if (std::regex_search(text, m, include_re)) {
        out.push_back({fs::relative(entry.path(), DISTSYNC_SOURCE_DIR).string(), n, m[1]});
      }
    }
  }
  return out;
}

void expect_no_include(const std::string& layer, const std::vector<std::string>& forbidden) {
  for (const Include& inc : includes_under(layer)) {
    for (const std::string& prefix : forbidden) {
      EXPECT_FALSE(inc.target.starts_with(prefix))
          << inc.file << ":" << inc.line << " includes " << inc.target << " (" << layer
          << " may not depend on " << prefix << ")";
    }
  }
}

TEST(LayeringTest, EventsDependOnNothingAbove) {
  expect_no_include("events", {"projections/", "daemon/", "tools/", "zmq", "spdlog"});
}

TEST(LayeringTest, ProjectionsDependOnlyOnEvents) {
  expect_no_include("projections", {"daemon/", "tools/", "lmdb.h", "zmq"});
}

TEST(LayeringTest, DaemonDoesNotDependOnTools) { expect_no_include("daemon", {"tools/"}); }

TEST(LayeringTest, LmdbStaysInsideTheLogImplementation) {
  for (const Include& inc : includes_under("events")) {
    if (inc.target == "lmdb.h") {
      EXPECT_EQ(inc.file, "events/log/lmdb_event_log.cpp") << inc.file << ":" << inc.line;
    }
  }
  expect_no_include("daemon", {"lmdb.h"});
  expect_no_include("tools", {"lmdb.h"});
}

// A header is public when a file outside its own folder includes it.
bool is_public_header(const std::string& header, const std::vector<Include>& all) {
  const std::string folder = fs::path(header).parent_path().string();
  for (const Include& inc : all) {
    if (inc.target == header && fs::path(inc.file).parent_path().string() != folder) return true;
  }
  return false;
}

TEST(LayeringTest, ZeroMqStaysOutOfPublicHeaders) {
  std::vector<Include> all;
  for (const char* layer : {"events", "projections", "daemon", "tools", "tests", "bench"}) {
    auto part = includes_under(layer);
    all.insert(all.end(), part.begin(), part.end());
  }
  for (const Include& inc : all) {
    if (!inc.file.ends_with(".h") || inc.file.starts_with("tests/") || inc.file.starts_with("bench/")) continue;
    if (inc.target.starts_with("zmq") && is_public_header(inc.file, all)) {
      ADD_FAILURE() << inc.file << ":" << inc.line << " includes " << inc.target
                    << " and is included from outside its folder";
    }
  }
}

}  // namespace
