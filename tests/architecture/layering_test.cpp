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

void expect_no_include(const std::string& layer, const std::vector<std::string>& forbidden,
                       bool headers_only = false) {
  for (const Include& inc : includes_under(layer)) {
    if (headers_only && !inc.file.ends_with(".h")) continue;
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

TEST(LayeringTest, ZeroMqStaysOutOfPublicHeaders) {
  expect_no_include("daemon", {"zmq.h", "zmq.hpp", "zmq_addon.hpp"}, /*headers_only=*/true);
  expect_no_include("tools", {"zmq.h", "zmq.hpp", "zmq_addon.hpp"}, /*headers_only=*/true);
}

}  // namespace
