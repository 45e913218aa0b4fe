// A real distsyncd whose console content is bench/make_tree.py's "small" profile, in a temp
// dir, plus helpers to run `distsync`, read the log (events.read) and compare trees.
//
// The config file points patches_dir/datafiles_dir at the generated tree; extra TOML lines
// (copy_workers, copy_endpoint) come from the test. Waits poll with deadlines; nothing sleeps
// to synchronise. Paths come from compile definitions (tests/sync_daemon/CMakeLists.txt).
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/support/daemon_harness.h"
#include "tests/support/temp_dir.h"
#include "tools/client/control_client.h"

namespace distsync::testing {

namespace fs = std::filesystem;

struct FileFacts {
  std::string bytes;
  std::int64_t mtime_ns = 0;
  bool operator==(const FileFacts&) const = default;
};

// Every regular file under `root`, by relative path.
inline std::map<std::string, FileFacts> read_tree(const std::string& root) {
  std::map<std::string, FileFacts> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    struct stat st {};
    if (::stat(e.path().c_str(), &st) != 0) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    out[fs::relative(e.path(), root).string()] =
        FileFacts{s.str(), st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
  }
  return out;
}

// Names of temp or partial files the engine must never leave behind.
inline std::vector<std::string> leftover_temps(const std::string& root) {
  std::vector<std::string> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    std::string name = e.path().filename().string();
    if (name.rfind(".distsync-", 0) == 0 || (name.size() > 13 && name.ends_with(".distsync-tmp"))) {
      out.push_back(e.path().string());
    }
  }
  return out;
}

class SyncDaemonFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    console_ = dir_.sub("console");
    auto gen = run_command(
        "/usr/bin/env",
        {"python3", std::string(DISTSYNC_SOURCE_DIR) + "/bench/make_tree.py", console_, "small"},
        dir_.path(), 60s);
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    std::ofstream cfg(config_path());
    cfg << "patches_dir = \"" << console_ << "/Patches\"\n"
        << "datafiles_dir = \"" << console_ << "/DataFiles\"\n"
        << extra_toml();
    cfg.close();
    start_daemon();
  }

  virtual std::string extra_toml() { return ""; }
  std::string config_path() const { return dir_.sub("distsyncd.toml"); }

  // With `as_test_user`, as the unprivileged test user when root (tests/support/test_user.h):
  // stop the daemon and give_to_test_user(dir_.path()) first.
  void start_daemon(bool as_test_user = false) {
    daemon_.reset();
    daemon_ = std::make_unique<DaemonHarness>(dir_.sub("data"), "east",
                                              std::vector<std::string>{"--config", config_path()},
                                              as_test_user);
    ASSERT_TRUE(daemon_->ready()) << daemon_->process().stderr_text();
    auto c = ControlClient::connect(daemon_->control_endpoint(), std::chrono::seconds(10));
    ASSERT_TRUE(c.ok()) << c.status().to_string();
    client_ = std::move(c).value();
  }

  void kill_daemon() {
    daemon_->process().signal(SIGKILL);
    ASSERT_TRUE(daemon_->process().wait_exit(10s).has_value());
    client_.reset();
  }

  CommandResult cli(std::vector<std::string> args, std::chrono::milliseconds timeout = 60s) {
    args.insert(args.begin(),
                {"--config", config_path(), "--data-dir", dir_.sub("data"), "--console", "east"});
    return run_command(DaemonHarness::cli_path(), args, dir_.path(), timeout);
  }

  nlohmann::json call(const std::string& op, const nlohmann::json& args = {}) {
    auto r = client_->call(op, args.is_null() ? nlohmann::json::object() : args);
    EXPECT_TRUE(r.ok()) << op << ": " << r.status().to_string();
    return r.ok() ? *r : nlohmann::json();
  }

  // Every event of `job` (its correlation) of type `type` ("" = all), in log order.
  std::vector<nlohmann::json> job_events(const std::string& job, const std::string& type = "") {
    std::vector<nlohmann::json> out;
    std::uint64_t from = 1;
    for (;;) {
      nlohmann::json r = call("events.read", {{"from", from}, {"limit", 10000}});
      const auto& events = r.value("events", nlohmann::json::array());
      if (events.empty()) break;
      for (const auto& e : events) {
        from = e.value("seq", std::uint64_t{0}) + 1;
        if (e.value("correlation", "") != job) continue;
        if (type.empty() || e.value("type", "") == type) out.push_back(e);
      }
      if (from > r.value("last_seq", std::uint64_t{0})) break;
    }
    return out;
  }

  // job_events(job, type), polled until there is one or `timeout` passes: `sync --wait` may
  // answer before the job's last record commits (readers see a finished job early).
  std::vector<nlohmann::json> await_job_events(const std::string& job, const std::string& type,
                                               std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<nlohmann::json> out = job_events(job, type);
    while (out.empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
      out = job_events(job, type);
    }
    return out;
  }

  // Polls sync.job until the job is finished or the deadline passes; returns its progress.
  nlohmann::json wait_job(const std::string& job, std::chrono::seconds timeout = 90s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    nlohmann::json p;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = client_->call("sync.job", {{"job", job}});
      if (r.ok()) {
        p = *r;
        std::string s = p.value("status", "");
        if (s == "completed" || s == "failed" || s == "cancelled") return p;
      }
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "job " << job << " did not finish in time; last: " << p.dump();
    return p;
  }

  // Starts a sync of `server` through the CLI (no --wait) and returns its job id.
  std::string start_sync(const std::string& server, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"sync", server, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (r.exit_code != 0) return "";
    auto j = nlohmann::json::parse(r.out);
    return j["jobs"][0].value("job", "");
  }

  std::string job_reason(const std::string& job) {
    for (const auto& j :
         call("sync.jobs", {{"all", true}}).value("jobs", nlohmann::json::array())) {
      if (j.value("job", "") == job) return j.value("reason", "");
    }
    return "";
  }

  // The source tree as it must appear under a server root.
  std::map<std::string, FileFacts> expected_server_tree() {
    std::map<std::string, FileFacts> out;
    for (auto& [p, f] : read_tree(console_ + "/Patches")) out["Patches/" + p] = f;
    for (auto& [p, f] : read_tree(console_ + "/DataFiles")) out["DataFiles/" + p] = f;
    return out;
  }

  TempDir dir_;
  std::string console_;
  std::unique_ptr<DaemonHarness> daemon_;
  std::unique_ptr<ControlClient> client_;
};

}  // namespace distsync::testing
