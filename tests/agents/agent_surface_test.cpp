// Remote distribution servers through distsync-agent, as an operator runs them: a real
// distsyncd whose agent endpoint is tcp on loopback (a free port the daemon picks), real
// distsync-agent processes that connect out over CURVE, and the distsync CLI. Results are
// checked outside the project's code (sha256sum over both trees). Waits poll with deadlines.
#include <zmq_addon.hpp>

#include "tests/agents/agent_fixture.h"

namespace distsync::testing {
namespace {

using nlohmann::json;

TEST_F(AgentSurfaceTest, SyncToAServerOnAnAgentIsByteEqual) {
  auto agent = allowed_agent("site-a");
  auto add = cli({"server", "add", "remote-a", "--agent", "site-a", "--path",
                  dir_.sub("site-a") + "/dist"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  std::string job = start_sync("remote-a");
  ASSERT_FALSE(job.empty());
  EXPECT_EQ(wait_job(job).value("status", ""), "completed") << job_reason(job);

  std::string copied = sha256sum_tree(dir_.sub("site-a") + "/dist", dir_.path());
  std::string source = sha256sum_tree(console_, dir_.path());
  EXPECT_FALSE(source.empty());
  EXPECT_EQ(copied, source);
  EXPECT_TRUE(leftover_temps(dir_.sub("site-a")).empty());

  // `agent list` shows the agent, its fingerprint, presence, version and server.
  auto list = cli({"agent", "list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  json a = json::parse(list.out)["agents"][0];
  EXPECT_EQ(a.value("name", ""), "site-a");
  EXPECT_EQ(a.value("fingerprint", "").size(), 12u);
  EXPECT_TRUE(a.value("connected", false));
  EXPECT_EQ(a.value("version", ""), "0.1.0");
  EXPECT_EQ(a["servers"], json::array({"remote-a"}));
  EXPECT_EQ(list.out.find("secret"), std::string::npos);

  // A second sync finds everything up to date (sizes, hashes and mtimes from the agent).
  std::string again = start_sync("remote-a");
  EXPECT_EQ(wait_job(again).value("status", ""), "completed") << job_reason(again);
  EXPECT_TRUE(job_events(again, "FileCopied").empty());
}

// One bandwidth limit per server, whatever carries it: two batches in parallel to the agent
// share the server's 2 MiB/s. 20 MiB of patches (and the fixture's) take at least 90% of
// bytes / rate from SyncStarted to SyncCompleted. A lower bound only: a slow machine passes.
TEST_F(AgentSurfaceTest, AServersBandwidthLimitHoldsAcrossParallelBatchesToItsAgent) {
  for (const char* name : {"big-1.bin", "big-2.bin"}) {
    std::ofstream big(console_ + "/Patches/" + name, std::ios::binary);
    std::string block(1 << 20, '\0');
    for (int mib = 0; mib < 10; ++mib) {
      for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>((i * 31 + mib) ^ name[4]);
      big.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  auto agent = allowed_agent("site-a");
  auto add = cli({"server", "add", "limited", "--agent", "site-a", "--path",
                  dir_.sub("site-a") + "/dist", "--bandwidth", "2M", "--max-parallel", "2"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  std::string job = start_sync("limited", {"--component", "patches"});
  ASSERT_FALSE(job.empty());
  EXPECT_EQ(wait_job(job, 180s).value("status", ""), "completed") << job_reason(job);

  std::uint64_t bytes = 0;
  for (const auto& e : job_events(job, "FileCopied")) bytes += e["payload"].value("size", std::uint64_t{0});
  auto started = job_events(job, "SyncStarted");
  auto completed = job_events(job, "SyncCompleted");
  ASSERT_EQ(started.size(), 1u);
  ASSERT_EQ(completed.size(), 1u);
  const double seconds =
      (completed[0].value("time_us", std::int64_t{0}) - started[0].value("time_us", std::int64_t{0})) / 1e6;
  const double rate = 2.0 * (1 << 20);
  EXPECT_GE(bytes, std::uint64_t{20} << 20);
  EXPECT_GE(seconds, 0.9 * static_cast<double>(bytes) / rate)
      << bytes << " bytes in " << seconds << " s: faster than the server's limit";
}

// A bandwidth plan paces an agent server like a local one: a server with no fixed limit and
// the plan "* 2M" (a default that covers every time, so "now" in any zone) moves a 10 MiB
// file and the fixture's patches at the plan's rate. Checked against the executor that used
// the fixed limit (here none): the same sync took 0.2 s there and failed this bound; with
// the plan, about 10 s for the 20 MB of patches. A lower bound only.
TEST_F(AgentSurfaceTest, AnAgentServersBandwidthPlanPacesItsCopies) {
  {
    std::ofstream big(console_ + "/Patches/planned.bin", std::ios::binary);
    std::string block(1 << 20, '\0');
    for (int mib = 0; mib < 10; ++mib) {
      for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>(i * 7 + mib);
      big.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  auto agent = allowed_agent("site-p");
  auto add = cli({"server", "add", "planned", "--agent", "site-p", "--path",
                  dir_.sub("site-p") + "/dist", "--bandwidth-plan", "* 2M", "--plan-zone",
                  "Pacific/Auckland", "--max-parallel", "2"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  std::string job = start_sync("planned", {"--component", "patches"});
  ASSERT_FALSE(job.empty());
  EXPECT_EQ(wait_job(job, 180s).value("status", ""), "completed") << job_reason(job);
  EXPECT_EQ(sha256sum_tree(dir_.sub("site-p") + "/dist/Patches", dir_.path()),
            sha256sum_tree(console_ + "/Patches", dir_.path()));

  std::uint64_t bytes = 0;
  for (const auto& e : job_events(job, "FileCopied")) {
    bytes += e["payload"].value("size", std::uint64_t{0});
  }
  auto started = job_events(job, "SyncStarted");
  auto completed = await_job_events(job, "SyncCompleted");
  ASSERT_EQ(started.size(), 1u);
  ASSERT_EQ(completed.size(), 1u);
  const double seconds = (completed[0].value("time_us", std::int64_t{0}) -
                          started[0].value("time_us", std::int64_t{0})) /
                         1e6;
  EXPECT_GE(bytes, std::uint64_t{10} << 20);
  // One burst (a tenth of a second's worth) may go ahead of the rate.
  EXPECT_GE(seconds, (static_cast<double>(bytes) - 0.1 * (2 << 20)) / (2 << 20) * 0.95)
      << bytes << " bytes in " << seconds << " s: faster than the plan's 2M";
}

// "Agent lost": a short lost timeout and a command-hook alert rule on AgentLost.
class AgentLostTest : public AgentSurfaceTest {
 protected:
  std::string extra_toml() override {
    return AgentSurfaceTest::extra_toml() +
           "agent_lost_timeout_ms = 1000\n"
           "[[alerts]]\n"
           "name = \"agents\"\n"
           "events = [\"AgentLost\"]\n"
           "command = [\"/bin/sh\", \"-c\", \"cat >> \\\"$0\\\" && echo >> \\\"$0\\\"\", \"" +
           dir_.sub("lost-alerts.jsonl") + "\"]\n";
  }

  // Polls until `type` has `n` events in the log (or 30 s pass); returns them.
  std::vector<json> await_events(const std::string& type, std::size_t n) {
    auto deadline = std::chrono::steady_clock::now() + 30s;
    std::vector<json> out = job_events("", type);
    while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
      out = job_events("", type);
    }
    return out;
  }

  json agent_entry(const std::string& name) {
    const json list = agents();
    for (const auto& a : list.value("agents", json::array())) {
      if (a.value("name", "") == name) return a;
    }
    return json::object();
  }
};

TEST_F(AgentLostTest, AKilledAgentIsRecordedLostOnceAlertedAndBackWhenRestarted) {
  auto agent = allowed_agent("site-l");
  ASSERT_EQ(cli({"server", "add", "remote-l", "--agent", "site-l", "--path",
                 dir_.sub("site-l") + "/dist"})
                .exit_code,
            0);
  EXPECT_FALSE(agent_entry("site-l").value("lost", true));
  agent->signal(SIGKILL);
  ASSERT_TRUE(agent->wait_exit(10s).has_value());

  std::vector<json> lost = await_events("AgentLost", 1);
  ASSERT_EQ(lost.size(), 1u) << "no AgentLost after the agent was killed";
  EXPECT_EQ(lost[0]["payload"].value("agent", ""), "site-l");
  EXPECT_EQ(lost[0]["payload"]["servers"], json::array({"remote-l"}));
  const std::int64_t last_seen = lost[0]["payload"].value("last_seen_us", std::int64_t{0});
  EXPECT_GT(last_seen, 0);
  EXPECT_GE(lost[0].value("time_us", std::int64_t{0}) - last_seen, 1'000'000)
      << "recorded before the lost timeout had passed";
  json entry = agent_entry("site-l");
  EXPECT_TRUE(entry.value("lost", false)) << entry.dump();
  EXPECT_EQ(entry.value("lost_since_us", std::int64_t{0}), last_seen);
  auto table = cli({"agent", "list"});
  EXPECT_NE(table.out.find("lost"), std::string::npos) << table.out;

  // The command hook got the AgentLost alert on its stdin (one line; the hook ends it).
  std::string alert;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (alert.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(dir_.sub("lost-alerts.jsonl"));
    std::stringstream ss;
    ss << in.rdbuf();
    alert = ss.str();
    if (alert.find('\n') == std::string::npos) std::this_thread::sleep_for(50ms);
  }
  ASSERT_NE(alert.find('\n'), std::string::npos) << "the AgentLost alert never ran its hook";
  json body = json::parse(alert.substr(0, alert.find('\n')));
  EXPECT_EQ(body.value("alert", ""), "agents");
  EXPECT_EQ(body["event"].value("type", ""), "AgentLost");
  EXPECT_EQ(body["event"]["payload"].value("agent", ""), "site-l");

  // Restarted: AgentReconnected, once, naming the outage; the agent is no longer lost.
  auto again = start_agent("site-l", dir_.sub("site-l.key"), dir_.sub("site-l"));
  ASSERT_TRUE(wait_connected("site-l")) << again->stderr_text();
  std::vector<json> back = await_events("AgentReconnected", 1);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0]["payload"].value("agent", ""), "site-l");
  EXPECT_EQ(back[0]["payload"].value("lost_since_us", std::int64_t{0}), last_seen);
  EXPECT_EQ(back[0]["payload"].value("address", ""), "127.0.0.1");
  EXPECT_FALSE(agent_entry("site-l").value("lost", true));
  // Many watch ticks (every 250 ms) passed during the outage: still one AgentLost.
  EXPECT_EQ(job_events("", "AgentLost").size(), 1u);
}

TEST_F(AgentSurfaceTest, AnUnknownKeyGetsNothingAndAPlaintextClientNoReply) {
  keygen(dir_.sub("stranger.key"));  // never allowed
  const std::uint64_t before = refused();
  auto stranger = start_agent("stranger", dir_.sub("stranger.key"), dir_.sub("stranger"));
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (refused() == before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_GT(refused(), before) << "the ZAP handler never saw the unknown key";
  EXPECT_TRUE(agents()["agents"].empty());

  // A plaintext ZeroMQ peer speaking the agent protocol gets no reply at all.
  zmq::context_t ctx(1);
  zmq::socket_t plain(ctx, zmq::socket_type::dealer);
  plain.set(zmq::sockopt::linger, 0);
  plain.connect(endpoint());
  std::vector<std::string> hello = {"DSAGENT1", "CALL", R"({"req":1,"op":"list","args":{}})"};
  std::vector<zmq::const_buffer> frames;
  for (const auto& f : hello) frames.push_back(zmq::buffer(f));
  (void)zmq::send_multipart(plain, frames, zmq::send_flags::dontwait);
  std::vector<zmq::pollitem_t> items = {{plain.handle(), 0, ZMQ_POLLIN, 0}};
  EXPECT_EQ(zmq::poll(items, std::chrono::milliseconds(1500)), 0);

  // The daemon keeps serving.
  EXPECT_EQ(cli({"status"}).exit_code, 0);
}

TEST_F(AgentSurfaceTest, RevokeDisconnectsAtOnceAndBadInputIsRefused) {
  auto agent = allowed_agent("site-r");
  // Bad input: a secret-sized garbage key, an agent name in use, a server on no agent.
  EXPECT_EQ(cli({"agent", "allow", "x", "not-a-key"}).exit_code, 1);
  auto unknown = cli({"server", "add", "s", "--agent", "nobody", "--path", "/srv/x"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no agent named 'nobody'"), std::string::npos) << unknown.err;

  const std::uint64_t before = refused();
  auto revoke = cli({"agent", "revoke", "site-r"});
  ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
  // Disconnected: the agent's own reconnect is refused by the ZAP handler.
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (refused() == before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_GT(refused(), before) << agent->stderr_text();
  EXPECT_TRUE(agents()["agents"].empty());
  // The log holds the public key only.
  for (const auto& e : job_events("", "AgentAllowed")) {
    EXPECT_EQ(e["payload"].value("public_key", "").size(), 40u);
  }
  EXPECT_EQ(job_events("", "AgentRevoked").size(), 1u);
}

TEST_F(AgentSurfaceTest, AKilledAgentReconnectsAndTheJobCompletesWithoutTemps) {
  auto agent = allowed_agent("site-k");
  const std::string root = dir_.sub("site-k") + "/dist";
  ASSERT_EQ(cli({"server", "add", "remote-k", "--agent", "site-k", "--path", root, "--bandwidth",
                 "1M"})
                .exit_code,
            0);
  std::string job = start_sync("remote-k", {"--component", "patches"});
  ASSERT_FALSE(job.empty());
  // Kill the agent once it is receiving file data (a temp exists under its folder).
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (leftover_temps(root).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(2ms);
  }
  ASSERT_FALSE(leftover_temps(root).empty()) << "the agent never started writing";
  agent->signal(SIGKILL);
  ASSERT_TRUE(agent->wait_exit(10s).has_value());
  agent = start_agent("site-k", dir_.sub("site-k.key"), dir_.sub("site-k"));

  json p = wait_job(job, 180s);
  EXPECT_EQ(p.value("status", ""), "completed") << job_reason(job) << agent->stderr_text();
  std::string copied = sha256sum_tree(root + "/Patches", dir_.path());
  EXPECT_EQ(copied, sha256sum_tree(console_ + "/Patches", dir_.path()));
  EXPECT_TRUE(leftover_temps(root).empty());
  std::set<std::string> seen;
  for (const auto& e : job_events(job, "FileCopied")) {
    EXPECT_TRUE(seen.insert(e["payload"].value("path", "")).second);
  }
}

}  // namespace
}  // namespace distsync::testing
