// Downloads through the public surface: the real distsyncd and distsync binaries over their
// sockets, fetching from the loopback HTTP fixture into temp dirs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "daemon/fetch/directory_source.h"
#include "daemon/fetch/source_manifest.h"
#include "tests/downloads/temp_files.h"
#include "tests/fetch/fetch_test_util.h"
#include "tests/support/daemon_harness.h"
#include "tools/client/control_client.h"

namespace distsync {
namespace {

using nlohmann::json;
using namespace testing;
using namespace std::chrono_literals;

void publish_manifest(const std::string& dir) {
  auto m = build_directory_manifest(dir);
  ASSERT_TRUE(m.ok()) << m.status().message();
  write_file(dir + "/distsync-manifest.json", render_source_manifest(*m));
}

CommandResult cli(const TempDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"--data-dir", dir / "data", "--console", "c1"});
  return run_command(DaemonHarness::cli_path(), args, dir.path(), 60s);
}

std::unique_ptr<ControlClient> connect(DaemonHarness& d) {
  auto c = ControlClient::connect(d.control_endpoint(), 10s);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return std::move(c).value();
}

json call(ControlClient& c, const std::string& op, const json& args = json::object()) {
  auto r = c.call(op, args);
  EXPECT_TRUE(r.ok()) << op << ": " << r.status().message();
  return r.ok() ? *r : json();
}

// Polls download.status (every 50 ms, up to `timeout`) until the download is no longer running.
json wait_finished(ControlClient& c, const std::string& id, std::chrono::seconds timeout = 30s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    json d = call(c, "download.status", {{"id", id}});
    if (d.value("status", "") != "running" || std::chrono::steady_clock::now() > deadline) return d;
    std::this_thread::sleep_for(50ms);
  }
}

// Polls events.read until an event of `type` (with `correlation`, if given) is in the log.
json wait_event(ControlClient& c, const std::string& type, const std::string& correlation = "",
                std::chrono::seconds timeout = 30s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    json events = call(c, "events.read", {{"from", 1}})["events"];
    for (const json& e : events) {
      if (e["type"] == type && (correlation.empty() || e["correlation"] == correlation)) return e;
    }
    if (std::chrono::steady_clock::now() > deadline) return json();
    std::this_thread::sleep_for(50ms);
  }
}

TEST(DownloadSurfaceTest, RefreshWaitFetchesFromHttpThenFailsNamingABadFile) {
  TempDir dir;
  write_file(dir / "www/Engines/engine_0.dll", make_bytes(200000, 1));
  write_file(dir / "www/defs.dat", make_bytes(3000, 2));
  publish_manifest(dir / "www");
  FixtureServer server(dir / "www", dir / "server.log");
  ASSERT_TRUE(server.running());
  DaemonHarness d(dir / "data", "c1");
  ASSERT_TRUE(d.ready()) << d.process().stderr_text();

  auto unset = cli(dir, {"refresh", "--wait"});
  EXPECT_EQ(unset.exit_code, 1);
  EXPECT_NE(unset.err.find("distsync download source refresh"), std::string::npos) << unset.err;

  auto secret = cli(dir, {"download", "source", "refresh", "http://op:pw@127.0.0.1/x"});
  EXPECT_EQ(secret.exit_code, 1);
  EXPECT_NE(secret.err.find("secrets never go into the log"), std::string::npos) << secret.err;

  ASSERT_EQ(cli(dir, {"download", "source", "refresh", server.url()}).exit_code, 0);
  auto sources = cli(dir, {"--json", "download", "sources"});
  ASSERT_EQ(sources.exit_code, 0) << sources.err;
  EXPECT_EQ(json::parse(sources.out)["sources"][0],
            (json{{"kind", "refresh"}, {"source", server.url()}, {"origin", "operator"}}));

  auto r = cli(dir, {"refresh", "--wait"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("completed: 2 fetched, 0 already current"), std::string::npos) << r.out;
  EXPECT_EQ(read_file(dir / "data/console/DataFiles/Engines/engine_0.dll"), make_bytes(200000, 1));
  EXPECT_EQ(read_file(dir / "data/console/DataFiles/defs.dat"), make_bytes(3000, 2));

  // The published bytes of one file change without its manifest entry: the next refresh
  // fails, names it, and leaves the old, checked file in place.
  write_file(dir / "www/defs.dat", make_bytes(3000, 3));
  SourceManifest m = *parse_source_manifest(read_file(dir / "www/distsync-manifest.json"));
  for (auto& e : m.files) {
    if (e.path == "defs.dat") e.sha256 = sha256_hex(make_bytes(3000, 4));
  }
  write_file(dir / "www/distsync-manifest.json", render_source_manifest(m));
  auto bad = cli(dir, {"refresh", "--wait"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("failed: 1 of 2 files failed: defs.dat: "), std::string::npos) << bad.err;
  EXPECT_EQ(read_file(dir / "data/console/DataFiles/defs.dat"), make_bytes(3000, 2));
  EXPECT_TRUE(temp_files_under(dir / "data/console").empty());

  auto list = cli(dir, {"--json", "download", "list"});
  ASSERT_EQ(list.exit_code, 0);
  json downloads = json::parse(list.out)["downloads"];
  ASSERT_EQ(downloads.size(), 2u);
  EXPECT_EQ(downloads[0]["status"], "failed");
  EXPECT_EQ(downloads[1]["status"], "completed");
}

TEST(DownloadSurfaceTest, AConfiguredSourceWithCredentialsIsRefusedAtStart) {
  TempDir dir;
  write_file(dir / "distsync.toml", "patches_source = \"https://op:pw@127.0.0.1/patches\"\n");
  DaemonHarness d(dir / "data", "c1", {"--config", dir / "distsync.toml"});
  // Schedules would carry the configured source into DownloadStarted: the daemon refuses to
  // start, with one line that names the cause and not the secret.
  EXPECT_FALSE(d.ready());
  EXPECT_EQ(d.process().wait_exit(), 1);
  const std::string err = d.process().stderr_text();
  EXPECT_NE(err.find("secrets never go into the log"), std::string::npos) << err;
  EXPECT_EQ(err.find("pw@"), std::string::npos) << err;
}

// R6: a sync that falls due while a download runs is deferred, naming the download, and runs
// once the download has completed.
TEST(DownloadSurfaceTest, SyncDuringADownloadIsDeferredThenReleased) {
  TempDir dir;
  write_file(dir / "www/KB100.msu", make_bytes(300000, 5));
  publish_manifest(dir / "www");
  FixtureServer server(dir / "www", dir / "server.log", {"--slow", "150000"});
  ASSERT_TRUE(server.running());
  write_file(dir / "target/.keep", "");
  DaemonHarness d(dir / "data", "c1");
  ASSERT_TRUE(d.ready()) << d.process().stderr_text();
  auto c = connect(d);
  call(*c, "download.source", {{"kind", "patches"}, {"source", server.url()}});
  call(*c, "server.add", {{"server", {{"name", "dp1"}, {"root_path", dir / "target"}}}});

  std::string id = call(*c, "download.start", {{"kind", "patches"}})["download"];
  ASSERT_TRUE(wait_for_temp_bytes(dir / "data/console/Patches"));
  json queued = call(*c, "sync.start", {{"servers", {"dp1"}}, {"component", "patches"}});
  std::string job = queued["jobs"][0]["job"];

  json deferred = wait_event(*c, "SyncDeferred", job);
  ASSERT_FALSE(deferred.is_null());
  EXPECT_EQ(deferred["payload"]["download_id"], id);
  json done = wait_event(*c, "SyncCompleted", job, 60s);
  ASSERT_FALSE(done.is_null()) << call(*c, "events.read", {{"from", 1}}).dump();

  std::map<std::string, std::uint64_t> seq;
  json log = call(*c, "events.read", {{"from", 1}});
  for (const json& e : log["events"]) {
    std::string key = e["type"].get<std::string>();
    if (e["correlation"] == id || e["correlation"] == job)
      seq.emplace(key, e["seq"].get<std::uint64_t>());
  }
  ASSERT_TRUE(seq.count("DownloadCompleted") && seq.count("SyncStarted"))
      << ::testing::PrintToString(seq);
  EXPECT_LT(seq["DownloadStarted"], seq["SyncQueued"]);
  EXPECT_LT(seq["SyncQueued"], seq["SyncDeferred"]);
  EXPECT_LT(seq["SyncDeferred"], seq["DownloadCompleted"]);
  EXPECT_LT(seq["DownloadCompleted"], seq["SyncStarted"]);
  EXPECT_LT(seq["SyncStarted"], seq["SyncCompleted"]);
  EXPECT_EQ(read_file(dir / "target/Patches/KB100.msu"), make_bytes(300000, 5));
}

// A daemon killed mid-download resumes the same download on restart: the fetcher continues
// the temp file with a Range request and only the checked file takes the final name.
TEST(DownloadSurfaceTest, SigkillDuringADownloadResumesTheSameIdOnRestart) {
  TempDir dir;
  write_file(dir / "www/KB200.msu", make_bytes(400000, 6));
  publish_manifest(dir / "www");
  FixtureServer server(dir / "www", dir / "server.log", {"--slow", "200000"});
  ASSERT_TRUE(server.running());
  std::string id;
  {
    DaemonHarness d(dir / "data", "c1");
    ASSERT_TRUE(d.ready()) << d.process().stderr_text();
    auto c = connect(d);
    call(*c, "download.source", {{"kind", "patches"}, {"source", server.url()}});
    id = call(*c, "download.start", {{"kind", "patches"}})["download"];
    ASSERT_TRUE(wait_for_temp_bytes(dir / "data/console/Patches"));
    d.process().signal(SIGKILL);
    ASSERT_EQ(d.process().wait_exit(10s), 128 + SIGKILL);
  }
  EXPECT_FALSE(exists(dir / "data/console/Patches/KB200.msu"));
  EXPECT_FALSE(temp_files_under(dir / "data/console/Patches").empty());

  DaemonHarness again(dir / "data", "c1");
  ASSERT_TRUE(again.ready()) << again.process().stderr_text();
  auto c = connect(again);
  json d = wait_finished(*c, id);
  EXPECT_EQ(d["status"], "completed") << d.dump();
  EXPECT_EQ(d["files_fetched"], 1);
  EXPECT_EQ(read_file(dir / "data/console/Patches/KB200.msu"), make_bytes(400000, 6));
  EXPECT_TRUE(temp_files_under(dir / "data/console/Patches").empty());
  bool ranged = false;
  for (const std::string& r : server.requests())
    ranged |= r.rfind("GET /KB200.msu range=bytes=", 0) == 0;
  EXPECT_TRUE(ranged) << ::testing::PrintToString(server.requests());
}

}  // namespace
}  // namespace distsync
