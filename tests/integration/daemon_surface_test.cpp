// distsyncd over its real sockets: status, protocol errors, signals, locks, file modes.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <zmq.hpp>
#include <zmq_addon.hpp>

#include "tests/support/daemon_harness.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tmpfs_mount.h"
#include "tools/client/control_client.h"

namespace distsync {
namespace {

using nlohmann::json;
using testing::DaemonHarness;
using testing::TempDir;
using namespace std::chrono_literals;

std::unique_ptr<ControlClient> client_for(const DaemonHarness& d) {
  auto c = ControlClient::connect(d.control_endpoint(), 10s);
  if (!c.ok()) ADD_FAILURE() << c.status().to_string();
  return c.ok() ? std::move(c).value() : nullptr;
}

TEST(DaemonSurfaceTest, AnswersStatusAndEventsOverTheRealSocket) {
  TempDir dir;
  DaemonHarness d(dir.sub("data"), "east");
  ASSERT_TRUE(d.ready()) << d.process().stderr_text();
  EXPECT_EQ(d.ready_line(), "distsyncd ready console=east control=" + d.control_endpoint() +
                                " bus=" + d.bus_endpoint());
  auto client = client_for(d);
  auto status = client->call("status");
  ASSERT_TRUE(status.ok()) << status.status().to_string();
  EXPECT_EQ((*status)["console_id"], "east");
  EXPECT_EQ((*status)["last_seq"], 1);
  EXPECT_EQ((*status)["data_dir"], dir.sub("data"));
  EXPECT_EQ((*status)["control_endpoint"], d.control_endpoint());
  EXPECT_EQ((*status)["bus_endpoint"], d.bus_endpoint());
  EXPECT_TRUE((*status)["pending"].is_object());
  EXPECT_FALSE((*status)["version"].get<std::string>().empty());

  auto events = client->call("events.read", {{"from", 1}});
  ASSERT_TRUE(events.ok()) << events.status().to_string();
  ASSERT_EQ((*events)["events"].size(), 1u);
  const json& e = (*events)["events"][0];
  EXPECT_EQ(e["type"], "ConsoleStarted");
  EXPECT_EQ(e["console"], "east");
  EXPECT_EQ(e["payload"]["pid"], d.process().pid());

  auto head = client->call("events.head");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ((*head)["last_seq"], 1);
  EXPECT_EQ((*head)["last_hash"], e["hash"]);

  auto bad_limit = client->call("events.read", {{"limit", 10001}});
  ASSERT_FALSE(bad_limit.ok());
  EXPECT_EQ(bad_limit.status().code(), Status::Code::kInvalidArgument);
  auto unknown = client->call("servers.frobnicate");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("servers.frobnicate"), std::string::npos);
}

// Sends raw frames on a fresh DEALER and returns the parsed reply body, or null on timeout.
json raw_request(zmq::context_t& ctx, const std::string& endpoint,
                 const std::vector<std::string>& frames, std::chrono::milliseconds timeout = 10s) {
  zmq::socket_t s(ctx, zmq::socket_type::dealer);
  s.set(zmq::sockopt::linger, 0);
  s.connect(endpoint);
  std::vector<zmq::const_buffer> out;
  for (const auto& f : frames) out.push_back(zmq::buffer(f));
  if (!zmq::send_multipart(s, out)) return nullptr;
  zmq::pollitem_t item = {s.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, timeout) <= 0) return nullptr;
  std::vector<zmq::message_t> reply;
  (void)zmq::recv_multipart(s, std::back_inserter(reply));
  if (reply.size() != 2 || reply[0].to_string() != "DSYNC1") return "bad reply envelope";
  return json::parse(reply[1].to_string_view(), nullptr, false);
}

TEST(DaemonSurfaceTest, MalformedRequestsGetErrorRepliesAndTheDaemonKeepsServing) {
  TempDir dir;
  DaemonHarness d(dir.sub("data"), "east");
  ASSERT_TRUE(d.ready()) << d.process().stderr_text();
  zmq::context_t ctx;
  std::string oversized = R"({"op":"status","pad":")" + std::string(1 << 20, 'x') + "\"}";
  std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"one frame", {"DSYNC1"}},
      {"three frames", {"DSYNC1", R"({"op":"status"})", "more"}},
      {"empty frame", {""}},
      {"wrong tag", {"DSYNC0", R"({"op":"status"})"}},
      {"not json", {"DSYNC1", "{\"op\": "}},
      {"not an object", {"DSYNC1", "\"status\""}},
      {"missing op", {"DSYNC1", R"({"args":{}})"}},
      {"args not object", {"DSYNC1", R"({"op":"status","args":3})"}},
      {"unknown op", {"DSYNC1", R"({"op":"no.such.op"})"}},
      {"oversized body", {"DSYNC1", oversized}},
  };
  for (const auto& [name, frames] : cases) {
    json reply = raw_request(ctx, d.control_endpoint(), frames);
    ASSERT_TRUE(reply.is_object()) << name << ": " << reply.dump();
    EXPECT_EQ(reply["ok"], false) << name;
    EXPECT_EQ(reply["error"]["code"], "invalid_argument") << name;
    EXPECT_FALSE(reply["error"]["message"].get<std::string>().empty()) << name;
  }
  // A frame far above the limit is cut off by ZeroMQ itself: no reply (we wait a little for
  // one that must not come), and no harm to the next peer.
  std::string gigantic(4 << 20, 'x');
  EXPECT_TRUE(raw_request(ctx, d.control_endpoint(), {"DSYNC1", gigantic}, 500ms).is_null());

  json ok = raw_request(ctx, d.control_endpoint(), {"DSYNC1", R"({"op":"status","id":9})"});
  ASSERT_TRUE(ok.is_object());
  EXPECT_EQ(ok["ok"], true);
  EXPECT_EQ(ok["id"], 9);
  EXPECT_EQ(ok["result"]["console_id"], "east");
}

// Issue 9: one 200 KB request nested 100,000 levels deep overflowed the daemon's stack in the
// JSON copy. It is refused before parsing, and the daemon keeps serving.
TEST(DaemonSurfaceTest, DeeplyNestedRequestIsRefusedAndTheDaemonKeepsServing) {
  TempDir dir;
  DaemonHarness d(dir.sub("data"), "east");
  ASSERT_TRUE(d.ready()) << d.process().stderr_text();
  zmq::context_t ctx;
  constexpr int kDepth = 100000;
  std::string deep =
      R"({"op":"status","args":{"x":)" + std::string(kDepth, '[') + std::string(kDepth, ']') + "}}";
  ASSERT_LT(deep.size(), std::size_t{1} << 20);  // well under max_request_bytes
  json reply = raw_request(ctx, d.control_endpoint(), {"DSYNC1", deep});
  ASSERT_TRUE(reply.is_object()) << reply.dump() << d.process().stderr_text();
  EXPECT_EQ(reply["ok"], false);
  EXPECT_EQ(reply["error"]["code"], "invalid_argument");
  EXPECT_EQ(reply["error"]["message"], "request JSON nested deeper than 64 levels");

  auto status = client_for(d)->call("status");
  ASSERT_TRUE(status.ok()) << status.status().to_string();
  EXPECT_EQ((*status)["console_id"], "east");
  EXPECT_FALSE(d.process().wait_exit(0ms).has_value()) << "the daemon died";
}

// The bus tails the log, so another process's appends (a second console on the same data
// dir) are published too, as [type][seq][json].
TEST(DaemonSurfaceTest, BusPublishesEventsAppendedByAnotherProcess) {
  TempDir dir;
  DaemonHarness east(dir.sub("data"), "east");
  ASSERT_TRUE(east.ready()) << east.process().stderr_text();
  zmq::context_t ctx;
  zmq::socket_t sub(ctx, zmq::socket_type::sub);
  sub.set(zmq::sockopt::linger, 0);
  sub.set(zmq::sockopt::subscribe, "ConsoleStarted");
  sub.connect(east.bus_endpoint());
  // A subscription takes effect asynchronously: start consoles until one is seen.
  std::vector<zmq::message_t> frames;
  std::string seen_console;
  for (int i = 0; i < 20 && frames.empty(); ++i) {
    seen_console = "other" + std::to_string(i);
    DaemonHarness other(dir.sub("data"), seen_console);
    ASSERT_TRUE(other.ready()) << other.process().stderr_text();
    zmq::pollitem_t item = {sub.handle(), 0, ZMQ_POLLIN, 0};
    if (zmq::poll(&item, 1, std::chrono::milliseconds(2000)) > 0) {
      (void)zmq::recv_multipart(sub, std::back_inserter(frames));
    }
  }
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0].to_string(), "ConsoleStarted");
  json e = json::parse(frames[2].to_string_view());
  EXPECT_EQ(frames[1].to_string(), std::to_string(e["seq"].get<std::uint64_t>()));
  EXPECT_GE(e["seq"].get<std::uint64_t>(), 2u);
  EXPECT_EQ(e["console"], seen_console);
}

TEST(DaemonSurfaceTest, SigtermExitsZeroAndARestartKeepsEveryEvent) {
  TempDir dir;
  {
    DaemonHarness first(dir.sub("data"), "east");
    ASSERT_TRUE(first.ready()) << first.process().stderr_text();
    EXPECT_EQ(first.terminate(), 0) << first.process().stderr_text();
    struct stat st;
    EXPECT_NE(stat((dir.sub("data") + "/run/east.control").c_str(), &st), 0)
        << "socket file left behind";
  }
  DaemonHarness second(dir.sub("data"), "east");
  ASSERT_TRUE(second.ready()) << second.process().stderr_text();
  auto client = client_for(second);
  auto events = client->call("events.read");
  ASSERT_TRUE(events.ok()) << events.status().to_string();
  ASSERT_EQ((*events)["events"].size(), 2u);
  EXPECT_EQ((*events)["events"][0]["type"], "ConsoleStarted");
  EXPECT_EQ((*events)["events"][1]["payload"]["pid"], second.process().pid());
  EXPECT_EQ((*events)["events"][1]["prev_hash"], (*events)["events"][0]["hash"]);
  EXPECT_EQ(second.terminate(), 0);

  auto check = testing::run_command(DISTSYNC_ADMIN_PATH, {"check", "--data-dir", dir.sub("data")},
                                    dir.path());
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_EQ(check.out.rfind("ok: 2 events, head seq 2 hash ", 0), 0u) << check.out;
}

TEST(DaemonSurfaceTest, AdminCheckNamesATamperedRecord) {
  TempDir dir;
  {
    DaemonHarness d(dir.sub("data"), "east");
    ASSERT_TRUE(d.ready());
    ASSERT_EQ(d.terminate(), 0);
  }
  // LMDB keeps no page checksums: rewrite the version string inside the one record.
  std::string path = dir.sub("data") + "/log/data.mdb";
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::size_t hits = 0;
  for (auto pos = bytes.find("0.1.0"); pos != std::string::npos; pos = bytes.find("0.1.0", pos)) {
    bytes[pos + 4] = '9';
    ++hits;
  }
  ASSERT_GT(hits, 0u);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;

  auto check = testing::run_command(DISTSYNC_ADMIN_PATH, {"check", "--data-dir", dir.sub("data")},
                                    dir.path());
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.err.find("record 1"), std::string::npos) << check.err;

  auto missing = testing::run_command(DISTSYNC_ADMIN_PATH, {"check", "--data-dir", dir.sub("none")},
                                      dir.path());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no event log"), std::string::npos) << missing.err;
}

TEST(DaemonSurfaceTest, SocketsAreOwnerAndGroupOnly) {
  TempDir dir;
  DaemonHarness d(dir.sub("data"), "east");
  ASSERT_TRUE(d.ready()) << d.process().stderr_text();
  struct stat st;
  for (const char* name : {"/run/east.control", "/run/east.bus"}) {
    ASSERT_EQ(stat((dir.sub("data") + name).c_str(), &st), 0) << name;
    EXPECT_TRUE(S_ISSOCK(st.st_mode)) << name;
    EXPECT_EQ(st.st_mode & 0777, 0660u) << name;
  }
  ASSERT_EQ(stat((dir.sub("data") + "/run").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0750u);
}

TEST(DaemonSurfaceTest, SecondDaemonWithTheSameConsoleIdFailsAtOnce) {
  TempDir dir;
  DaemonHarness first(dir.sub("data"), "east");
  ASSERT_TRUE(first.ready()) << first.process().stderr_text();
  DaemonHarness second(dir.sub("data"), "east");
  EXPECT_FALSE(second.ready());
  EXPECT_EQ(second.process().wait_exit(), 1);
  EXPECT_NE(second.process().stderr_text().find("console 'east' is already running on data dir " +
                                                dir.sub("data") + " (pid " +
                                                std::to_string(first.process().pid()) + ")"),
            std::string::npos)
      << second.process().stderr_text();
  // The first one is unharmed, and another console id may share the data dir.
  DaemonHarness west(dir.sub("data"), "west");
  EXPECT_TRUE(west.ready()) << west.process().stderr_text();
  auto status = client_for(first)->call("status");
  ASSERT_TRUE(status.ok());
  EXPECT_EQ((*status)["last_seq"], 2);
}

TEST(DaemonSurfaceTest, UsageErrorsExitTwo) {
  TempDir dir;
  auto bad_flag =
      testing::run_command(DaemonHarness::daemon_path(), {"--no-such-flag"}, dir.path());
  EXPECT_EQ(bad_flag.exit_code, 2);
  EXPECT_NE(bad_flag.err.find("--no-such-flag"), std::string::npos) << bad_flag.err;
  auto bad_config = testing::run_command(DaemonHarness::daemon_path(),
                                         {"--config", dir.sub("missing.toml")}, dir.path());
  EXPECT_EQ(bad_config.exit_code, 2);
  EXPECT_NE(bad_config.err.find("missing.toml"), std::string::npos) << bad_config.err;
}

// A full log disk answers the one line naming the disk and the fix; the daemon keeps serving
// reads, and appends again once space is freed.
TEST(DaemonSurfaceTest, FullLogDiskIsNamedAndTheDaemonRecovers) {
  TempDir dir;
  const std::string mnt = std::filesystem::weakly_canonical(dir.sub("mnt")).string();
  testing::TmpfsMount tmpfs(mnt, "size=2m");
  if (!tmpfs.mounted()) GTEST_SKIP() << tmpfs.why();
  DaemonHarness d(mnt + "/data", "east");
  ASSERT_TRUE(d.ready()) << d.process().stderr_text();
  auto client = client_for(d);
  struct statvfs vfs {};
  ASSERT_EQ(statvfs(mnt.c_str(), &vfs), 0);
  const std::size_t free_bytes = vfs.f_bfree * vfs.f_frsize;
  ASSERT_GT(free_bytes, 256u << 10);
  std::ofstream(mnt + "/filler", std::ios::binary) << std::string(free_bytes - (128 << 10), 'f');

  auto add = [&](int i) {
    json server = {{"name", "s" + std::to_string(i)}, {"root_path", "/srv/s" + std::to_string(i)}};
    return client->call("server.add", {{"server", server}});
  };
  Status failure = Status::ok();
  int i = 0;
  for (; i < 5000 && failure.is_ok(); ++i) {
    auto r = add(i);
    if (!r.ok()) failure = r.status();
  }
  ASSERT_FALSE(failure.is_ok()) << "5000 servers fitted in 128 KiB";
  EXPECT_EQ(failure.message(), "event log " + mnt +
                                   "/data/log: the disk is full (no space left on device), "
                                   "nothing was appended; free space on " +
                                   mnt + " and retry");
  auto status = client->call("status");
  ASSERT_TRUE(status.ok()) << status.status().to_string();
  const std::uint64_t head = (*status)["last_seq"];
  auto events = client->call("events.read", {{"from", head}});
  ASSERT_TRUE(events.ok()) << events.status().to_string();
  EXPECT_EQ((*events)["events"].size(), 1u);

  std::filesystem::remove(mnt + "/filler");
  auto after = add(i);
  ASSERT_TRUE(after.ok()) << after.status().to_string();
  EXPECT_EQ((*client->call("status"))["last_seq"], head + 1);
  EXPECT_EQ(d.terminate(), 0);
}

// Until CURVE lands, a tcp endpoint is an unauthenticated remote control: refused at start with
// one line naming why, before anything is created or bound.
TEST(DaemonSurfaceTest, TcpEndpointsAreRefusedAtStartAndNothingIsBound) {
  TempDir dir;
  std::ofstream(dir.sub("bus.toml")) << "bus_endpoint = \"tcp://127.0.0.1:5556\"\n";
  std::ofstream(dir.sub("copy.toml")) << "copy_endpoint = \"tcp://127.0.0.1:5557\"\n";
  struct Case {
    std::vector<std::string> args;
    std::string line;
  } cases[] = {
      {{"--control", "tcp://127.0.0.1:5555"}, "distsyncd: control endpoint tcp://127.0.0.1:5555"},
      {{"--bus", "tcp://127.0.0.1:5556"}, "distsyncd: bus endpoint tcp://127.0.0.1:5556"},
      {{"--config", dir.sub("bus.toml")},
       "distsyncd: config " + dir.sub("bus.toml") + ": bus endpoint tcp://127.0.0.1:5556"},
      {{"--config", dir.sub("copy.toml")},
       "distsyncd: config " + dir.sub("copy.toml") + ": copy endpoint tcp://127.0.0.1:5557"},
  };
  for (const auto& tc : cases) {
    std::vector<std::string> args = {"--data-dir", dir.sub("data"), "--console", "east"};
    args.insert(args.end(), tc.args.begin(), tc.args.end());
    auto r = testing::run_command(DaemonHarness::daemon_path(), args, dir.path());
    EXPECT_NE(r.exit_code, 0) << tc.line;
    const bool copy = tc.line.find("copy endpoint") != std::string::npos;
    EXPECT_EQ(r.err, tc.line +
                         (copy ? " refused: copy workers have no CURVE authentication; use "
                                 "ipc://, and put a remote server on a distsync-agent "
                                 "(docs/agents.md)\n"
                               : " refused: tcp endpoints need CURVE keys; set "
                                 "control_clients_file (docs/configuration.md) or use ipc://\n"));
    EXPECT_EQ(r.out, "");
    // Refused before the data dir, its lock, its log or any socket exists.
    struct stat st;
    EXPECT_NE(stat(dir.sub("data").c_str(), &st), 0) << tc.line;
  }
}

}  // namespace
}  // namespace distsync
