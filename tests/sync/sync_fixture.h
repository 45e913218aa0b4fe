// SyncFixture: a temp console (bench fixture or hand-made files), a real LMDB log with its
// projections, servers and jobs appended the way the daemon's commands would, and waits on
// the log with deadlines (never fixed sleeps).
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/sync/sync_service.h"
#include "events/log/lmdb_event_log.h"
#include "projections/projection_set.h"
#include "tests/support/temp_dir.h"

namespace distsync::testing {

namespace fs = std::filesystem;

inline void write_file(const std::string& path, const std::string& data) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

// path -> (content, mtime ns) of every regular file under root.
inline std::map<std::string, std::pair<std::string, std::int64_t>> read_tree(
    const std::string& root) {
  std::map<std::string, std::pair<std::string, std::int64_t>> out;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    struct stat st {};
    ::stat(e.path().c_str(), &st);
    std::int64_t mtime = std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
    out[fs::relative(e.path(), root).string()] = {std::move(data), mtime};
  }
  return out;
}

inline std::size_t count_temps(const std::string& root) {
  std::size_t n = 0;
  if (!fs::exists(root)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().filename().string().ends_with(".distsync-tmp")) ++n;
  }
  return n;
}

class SyncFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    console_ = dir_.sub("console");
    fs::create_directories(console_ + "/Patches");
    fs::create_directories(console_ + "/DataFiles");
    open_log();
  }
  void TearDown() override { log_.reset(); }

  void open_log() {
    LmdbLogOptions o;
    o.dir = dir_.sub("log");
    o.console = "console-1";
    o.folder = &projections_;
    auto r = LmdbEventLog::open(o);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    log_ = std::move(r.value());
  }

  void make_bench_tree() {
    std::string cmd = "python3 '" + std::string(DISTSYNC_MAKE_TREE) + "' '" + console_ + "' small";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }

  ConsoleLayout layout() const { return {console_ + "/Patches", console_ + "/DataFiles"}; }

  void add_server(const std::string& name, const std::string& root, std::uint64_t bps = 0,
                  std::uint32_t parallel = 4) {
    ServerSpec s;
    s.name = name;
    s.root_path = root;
    s.bandwidth_limit_bps = bps;
    s.max_parallel_copies = parallel;
    ASSERT_TRUE(log_->append({{"", ServerAdded{s}}}).ok());
  }

  void queue(const std::string& job, const std::string& server, const std::string& component,
             bool prune = false) {
    ASSERT_TRUE(log_->append({{job, SyncQueued{server, component, "cli", "", false, prune}}}).ok());
  }

  SyncServiceOptions options(SyncClock* clock = nullptr) {
    (void)clock;
    SyncServiceOptions o;
    o.runner.console = "console-1";
    o.runner.layout = layout();
    o.runner.cache_dir = dir_.sub("cache");
    o.runner.poll = std::chrono::milliseconds(50);
    o.dispatcher.inproc_workers = 2;
    o.dispatcher.heartbeat = std::chrono::milliseconds(100);
    o.dispatcher.worker_timeout = std::chrono::milliseconds(800);
    return o;
  }

  std::unique_ptr<SyncService> start_service(SyncServiceOptions o, SyncClock& clock) {
    auto r = SyncService::create(*log_, projections_, clock, std::move(o));
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    if (!r.ok()) return nullptr;
    auto s = std::move(r.value());
    Status st = s->start();
    EXPECT_TRUE(st.is_ok()) << st.to_string();
    return s;
  }

  std::vector<Event> all_events() {
    auto r = log_->read(1, log_->last_seq(), 1'000'000);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r.value() : std::vector<Event>{};
  }

  std::vector<Event> events_of(const std::string& correlation) {
    std::vector<Event> out;
    for (auto& e : all_events()) {
      if (e.correlation == correlation) out.push_back(std::move(e));
    }
    return out;
  }

  // Waits (up to `timeout`) until an event of `type` with `correlation` (when non-empty) is in
  // the log, and returns it.
  std::optional<Event> wait_for(const std::string& correlation, std::string_view type,
                                std::chrono::seconds timeout = std::chrono::seconds(
                                    std::getenv("SYNC_TEST_TIMEOUT")
                                        ? std::atoi(std::getenv("SYNC_TEST_TIMEOUT"))
                                        : 60),
                                std::size_t nth = 1) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::uint64_t scanned = 0;
    std::size_t seen = 0;
    for (;;) {
      std::uint64_t head = log_->last_seq();
      if (head > scanned) {
        auto r = log_->read(scanned + 1, head, 1'000'000);
        if (r.ok()) {
          for (auto& e : r.value()) {
            if (e.type() == type && (correlation.empty() || e.correlation == correlation) &&
                ++seen == nth) {
              return e;
            }
          }
        }
        scanned = head;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        for (const auto& e : all_events())
          ADD_FAILURE() << "seen: " << e.seq << " " << e.type() << " " << e.correlation;
        return std::nullopt;
      }
      log_->wait_for_append(scanned, std::chrono::milliseconds(200));
    }
  }

  std::size_t count(const std::vector<Event>& events, std::string_view type) {
    std::size_t n = 0;
    for (const auto& e : events) n += e.type() == type;
    return n;
  }

  TempDir dir_;
  std::string console_;
  ProjectionSet projections_;
  std::unique_ptr<LmdbEventLog> log_;
  SystemClock system_clock_;
};

}  // namespace distsync::testing
