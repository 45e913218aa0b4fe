// Keeps the control surface in one place: every control op is registered from
// daemon/handlers/, and every `distsync` command reaches the daemon through
// CliContext::request (tools/distsync/cli_context.cpp is the only caller of the client).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace {

namespace fs = std::filesystem;

// Calls `fn(relative path, line number, line)` for every line of the .h/.cpp files under dir.
template <typename Fn>
void for_each_line(const std::string& dir, Fn fn) {
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(DISTSYNC_SOURCE_DIR) / dir)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".h" && ext != ".cpp")) continue;
    std::ifstream in(entry.path());
    std::string line;
    const std::string rel = fs::relative(entry.path(), DISTSYNC_SOURCE_DIR).string();
    for (int n = 1; std::getline(in, line); ++n) fn(rel, n, line);
  }
}

TEST(ControlOpsTest, EveryOpIsRegisteredFromDaemonHandlers) {
  const std::regex registers(R"(\.add\(\s*"[a-z_.]+")");  // router.add("op", ...)
  int found = 0;
  for_each_line("daemon", [&](const std::string& file, int n, const std::string& line) {
    if (!std::regex_search(line, registers)) return;
    ++found;
    EXPECT_TRUE(file.starts_with("daemon/handlers/"))
        << file << ":" << n << " registers a control op outside daemon/handlers/: " << line;
  });
  EXPECT_GT(found, 20);  // the scan sees the ops (status, events.*, server.*, sync.*, ...)
}

TEST(ControlOpsTest, EveryCliCommandGoesThroughCliContextRequest) {
  const std::regex calls(R"((->|\.)call\(|connect\()");
  for_each_line("tools/distsync", [&](const std::string& file, int n, const std::string& line) {
    if (file == "tools/distsync/cli_context.cpp") return;
    EXPECT_FALSE(std::regex_search(line, calls))
        << file << ":" << n << " talks to the daemon without CliContext::request: " << line;
  });
}

}  // namespace
