// A running distsyncd in a temp dir and a helper to run `distsync` against it.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/daemon_harness.h"
#include "tests/support/temp_dir.h"

namespace distsync::testing {

class CliFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    daemon_ = std::make_unique<DaemonHarness>(dir_.sub("data"), "east", extra_daemon_args());
    ASSERT_TRUE(daemon_->ready()) << daemon_->process().stderr_text();
  }
  virtual std::vector<std::string> extra_daemon_args() { return {}; }

  CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), {"--data-dir", dir_.sub("data"), "--console", "east"});
    return run_command(DaemonHarness::cli_path(), args, dir_.path());
  }
  nlohmann::json cli_json(std::vector<std::string> args) {
    args.push_back("--json");
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json();
  }
  std::uint64_t head() { return cli_json({"status"}).value("last_seq", std::uint64_t{0}); }

  TempDir dir_;
  std::unique_ptr<DaemonHarness> daemon_;
};

// One line on stderr, starting "distsync: ".
inline bool one_line_error(const CommandResult& r) {
  return r.err.rfind("distsync: ", 0) == 0 && r.err.find('\n') == r.err.size() - 1;
}

}  // namespace distsync::testing
