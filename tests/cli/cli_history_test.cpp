// `distsync history` (filters, job timeline, --follow), `export`/`verify` in both formats,
// secrets kept out of events and exports, and the Python subscriber, against a real daemon.
#include <fstream>

#include "tests/cli/cli_fixture.h"
#include "tools/client/control_client.h"

namespace distsync::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class CliHistoryTest : public CliFixture {
 protected:
  std::vector<json> json_lines(const std::string& text) {
    std::vector<json> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      if (nl > pos) out.push_back(json::parse(text.substr(pos, nl - pos)));
      pos = nl + 1;
    }
    return out;
  }
  std::vector<json> history(std::vector<std::string> args) {
    args.insert(args.begin(), "history");
    args.push_back("--json");
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json_lines(r.out);
  }
  void add_server(const std::string& name) {
    auto r = cli({"server", "add", name, "--path", dir_.sub(name)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

TEST_F(CliHistoryTest, FiltersByServerTypeConsoleAndTime) {
  add_server("alpha");
  add_server("beta");
  ASSERT_EQ(cli({"server", "edit", "alpha", "--disable"}).exit_code, 0);
  auto alpha = history({"--server", "alpha"});
  ASSERT_EQ(alpha.size(), 2u);
  EXPECT_EQ(alpha[0]["type"], "ServerAdded");
  EXPECT_EQ(alpha[1]["type"], "ServerEdited");
  EXPECT_EQ(alpha[1]["server"], "alpha");  // --json carries the server the table shows
  auto added = history({"--type", "ServerAdded"});
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[1]["payload"]["server"]["name"], "beta");
  EXPECT_EQ(history({"--console", "west"}).size(), 0u);
  EXPECT_EQ(history({"--console", "east"}).size(), 4u);  // ConsoleStarted + 3
  EXPECT_EQ(history({"--since", "1h"}).size(), 4u);
  EXPECT_EQ(history({"--until", "1h"}).size(), 0u);
  EXPECT_EQ(history({"--since", "2000-01-01 00:00", "--limit", "2"}).size(), 2u);
  auto newest = history({"--limit", "1"});
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0]["type"], "ServerEdited");

  auto table = cli({"history", "--server", "alpha"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("CONSOLE"), std::string::npos);
  EXPECT_NE(table.out.find("server alpha at "), std::string::npos) << table.out;
  auto bad = cli({"history", "--since", "the other day"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(one_line_error(bad)) << bad.err;
  auto unknown = cli({"history", "--type", "NoSuchEvent"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(one_line_error(unknown)) << unknown.err;
  auto started = history({"--type", "ConsoleStarted"});
  ASSERT_EQ(started.size(), 1u);
  EXPECT_TRUE(started[0]["server"].is_null());
  // Server-supplied text reaches the terminal without control characters.
  auto hostile = cli({"server", "edit", "\x1b[2Jevil", "--disable"});
  EXPECT_EQ(hostile.exit_code, 1);
  EXPECT_EQ(hostile.err.find('\x1b'), std::string::npos) << hostile.err;
  EXPECT_NE(hostile.err.find("\\x1b[2Jevil"), std::string::npos) << hostile.err;
}

TEST_F(CliHistoryTest, JobTimelineAndScheduleFilter) {
  add_server("alpha");
  ASSERT_EQ(cli({"schedule", "add", "--server", "alpha", "--component", "patches", "--daily",
                 "--at", "03:00", "--id", "nightly"})
                .exit_code,
            0);
  auto run = cli({"schedule", "run", "nightly", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string job = json::parse(run.out)["started"][0]["id"];

  json timeline = cli_json({"history", "--job", job});
  EXPECT_EQ(timeline["id"], job);
  EXPECT_EQ(timeline["kind"], "sync");
  EXPECT_EQ(timeline["server"], "alpha");
  EXPECT_EQ(timeline["schedule_id"], "nightly");
  ASSERT_FALSE(timeline["entries"].empty());
  EXPECT_EQ(timeline["entries"][0]["type"], "SyncQueued");
  auto text = cli({"history", "--job", job});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("job " + job + ": sync patches to alpha"), std::string::npos) << text.out;

  auto sched = history({"--schedule", "nightly", "--since", "1h"});
  ASSERT_GE(sched.size(), 2u);
  EXPECT_EQ(sched[0]["type"], "ScheduleAdded");
  EXPECT_EQ(sched[1]["type"], "SyncQueued");
  EXPECT_EQ(sched[1]["correlation"], job);
  auto missing = cli({"history", "--job", "no-such-job"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(one_line_error(missing)) << missing.err;
}

// `history ack SEQ` records who acknowledged an event; history shows it beside the event
// (table and --json); bad seqs, an acknowledgement of an acknowledgement and a multi-line
// note are refused with one line each, and nothing is appended for them.
TEST_F(CliHistoryTest, AckRecordsWhoAcknowledgedAnEvent) {
  add_server("alpha");
  auto added = history({"--type", "ServerAdded"});
  ASSERT_EQ(added.size(), 1u);
  const std::uint64_t seq = added[0]["seq"];
  auto ack = cli({"history", "ack", std::to_string(seq), "--by", "alice", "--note", "seen"});
  ASSERT_EQ(ack.exit_code, 0) << ack.err;
  EXPECT_NE(ack.out.find("acknowledged event " + std::to_string(seq) + " as alice"),
            std::string::npos) << ack.out;
  auto acks = history({"--type", "EventAcknowledged"});
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(acks[0]["payload"]["acknowledged_seq"], seq);
  EXPECT_EQ(acks[0]["payload"]["acknowledged_type"], "ServerAdded");
  EXPECT_EQ(acks[0]["payload"]["by"], "alice");
  EXPECT_EQ(acks[0]["payload"]["note"], "seen");
  auto shown = history({"--type", "ServerAdded"});
  ASSERT_EQ(shown.size(), 1u);
  ASSERT_EQ(shown[0]["acknowledged"].size(), 1u);
  EXPECT_EQ(shown[0]["acknowledged"][0]["by"], "alice");
  auto table = cli({"history", "--type", "ServerAdded"});
  EXPECT_NE(table.out.find("[acknowledged by alice at "), std::string::npos) << table.out;

  const std::uint64_t ack_seq = acks[0]["seq"];
  for (const std::vector<std::string>& bad :
       {std::vector<std::string>{"history", "ack", "999999", "--by", "bob"},
        std::vector<std::string>{"history", "ack", std::to_string(ack_seq), "--by", "bob"},
        std::vector<std::string>{"history", "ack", std::to_string(seq), "--by", "bob", "--note",
                                 "two\nlines"}}) {
    auto r = cli(bad);
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(one_line_error(r)) << r.err;
  }
  EXPECT_EQ(history({"--type", "EventAcknowledged"}).size(), 1u);
}

TEST_F(CliHistoryTest, FollowPrintsMatchingEventsAsTheyHappen) {
  add_server("alpha");
  ChildProcess follow(DaemonHarness::cli_path(),
                      {"--data-dir", dir_.sub("data"), "--console", "east", "history", "--type",
                       "ServerAdded", "--follow", "--json"},
                      dir_.sub("follow.err"));
  auto first = follow.read_line(20s);
  ASSERT_TRUE(first) << follow.stderr_text();
  EXPECT_EQ(json::parse(*first)["payload"]["server"]["name"], "alpha");
  add_server("beta");
  ASSERT_EQ(cli({"server", "edit", "beta", "--disable"}).exit_code, 0);  // filtered out
  add_server("gamma");
  auto second = follow.read_line(20s);
  auto third = follow.read_line(20s);
  ASSERT_TRUE(second && third) << follow.stderr_text();
  EXPECT_EQ(json::parse(*second)["payload"]["server"]["name"], "beta");
  EXPECT_EQ(json::parse(*third)["payload"]["server"]["name"], "gamma");
}

// A job's later events name no server; --follow shows the one its SyncQueued named. (The
// server sits under a regular file, so the job ends in SyncFailed.)
TEST_F(CliHistoryTest, FollowShowsTheServerOfJobEvents) {
  { std::ofstream(dir_.sub("plain-file")) << "not a folder"; }
  ASSERT_EQ(cli({"server", "add", "alpha", "--path", dir_.sub("plain-file") + "/share"}).exit_code,
            0);
  ASSERT_EQ(cli({"schedule", "add", "--server", "alpha", "--component", "patches", "--daily",
                 "--at", "03:00", "--id", "nightly"})
                .exit_code,
            0);
  ChildProcess follow(DaemonHarness::cli_path(),
                      {"--data-dir", dir_.sub("data"), "--console", "east", "history", "--type",
                       "SyncFailed", "--follow"},
                      dir_.sub("follow-table.err"));
  auto header = follow.read_line(20s);
  ASSERT_TRUE(header) << follow.stderr_text();
  ASSERT_NE(header->find("SERVER"), std::string::npos) << *header;
  ASSERT_EQ(cli({"schedule", "run", "nightly"}).exit_code, 0);
  auto row = follow.read_line(20s);
  ASSERT_TRUE(row) << follow.stderr_text();
  EXPECT_NE(row->find("SyncFailed  alpha"), std::string::npos) << *row;
}

TEST_F(CliHistoryTest, ExportThenVerifyInBothFormats) {
  add_server("alpha");
  add_server("beta");
  for (std::string format : {"jsonl", "csv"}) {
    const std::string file = dir_.sub("export." + format);
    auto exp = cli({"export", "--format", format, "--output", file});
    ASSERT_EQ(exp.exit_code, 0) << exp.err;
    auto ok = cli({"verify", file, "--public-key", dir_.sub("data") + "/keys/checkpoint.pub",
                   "--against-log"});
    EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
    json report = cli_json({"verify", file});
    EXPECT_EQ(report["records"], 3);
    EXPECT_EQ(report["signature"], "signed (key not checked)") << report;

    // Tamper with one record: verify names it and exits 1.
    std::string text = read_file(file);
    auto pos = text.find("beta");
    ASSERT_NE(pos, std::string::npos);
    text.replace(pos, 4, "bet4");
    std::ofstream(dir_.sub("tampered." + format)) << text;
    auto bad = cli({"verify", dir_.sub("tampered." + format)});
    EXPECT_EQ(bad.exit_code, 1) << bad.out;

    // Delete the first record (line 1, or the CSV row after the header): the checkpoint
    // signs the export from seq 1, so verify names seq 1 as deleted and exits 1.
    text = read_file(file);
    const std::size_t begin = format == "csv" ? text.find('\n') + 1 : 0;
    text.erase(begin, text.find('\n', begin) + 1 - begin);
    std::ofstream(dir_.sub("headless." + format)) << text;
    auto headless = cli({"verify", dir_.sub("headless." + format), "--public-key",
                         dir_.sub("data") + "/keys/checkpoint.pub"});
    EXPECT_EQ(headless.exit_code, 1) << headless.out;
    EXPECT_NE(headless.out.find("chain: deleted record at line " +
                                std::string(format == "csv" ? "2" : "1") +
                                ", seq 1: seq 1 missing before seq 2"),
              std::string::npos)
        << headless.out;
  }
  auto stdout_export = cli({"export", "--since", "1h"});
  ASSERT_EQ(stdout_export.exit_code, 0) << stdout_export.err;
  EXPECT_EQ(json_lines(stdout_export.out).size(), 4u);  // 3 events + the checkpoint
}

TEST_F(CliHistoryTest, SecretsNeverReachEventsHistoryOrExports) {
  const std::string secret = "s3cr3t-Pa55word";
  add_server("alpha");
  auto client = ControlClient::connect(daemon_->control_endpoint(), 5s);
  ASSERT_TRUE(client.ok());
  auto refused = (*client)->call(
      "download.source",
      json{{"kind", "patches"}, {"source", "https://admin:" + secret + "@mirror.example/p/"}});
  EXPECT_FALSE(refused.ok());

  std::string everything;
  for (std::vector<std::string> args :
       {std::vector<std::string>{"history", "--json", "--since", "1h"},
        {"history", "--since", "1h"},
        {"export", "--format", "jsonl"},
        {"export", "--format", "csv"},
        {"events", "tail", "--from", "1"}}) {
    auto r = cli(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    everything += r.out;
  }
  EXPECT_NE(everything.find("ServerAdded"), std::string::npos);
  EXPECT_EQ(everything.find(secret), std::string::npos) << "the secret leaked into history/exports";
}

TEST_F(CliHistoryTest, ServerPathWithCredentialsIsRefused) {
  auto r = cli({"server", "add", "beta", "--path", "//admin:s3cr3t-Pa55word@host/share"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  auto exported = cli({"export"});
  EXPECT_EQ(exported.out.find("s3cr3t-Pa55word"), std::string::npos);
}

TEST_F(CliHistoryTest, PythonSubscriberGetsEveryEventOnceAcrossAReconnect) {
  add_server("alpha");
  const std::string script = std::string(DISTSYNC_SOURCE_DIR) + "/examples/subscriber.py";
  const std::string checkpoint = dir_.sub("sub.checkpoint");
  auto first = run_command("/usr/bin/python3",
                           {script, "--control", daemon_->control_endpoint(), "--checkpoint",
                            checkpoint, "--idle-exit", "1"},
                           dir_.path(), 30s);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto seen = json_lines(first.out);
  ASSERT_EQ(seen.size(), head());
  // Missed while disconnected, then delivered after the reconnect, once each, in order.
  add_server("beta");
  add_server("gamma");
  ChildProcess second("/usr/bin/python3",
                      {script, "--control", daemon_->control_endpoint(), "--checkpoint", checkpoint,
                       "--count", "3"},
                      dir_.sub("sub2.err"));
  std::vector<json> more;
  for (int i = 0; i < 2; ++i) {
    auto line = second.read_line(20s);
    ASSERT_TRUE(line) << second.stderr_text();
    more.push_back(json::parse(*line));
  }
  add_server("delta");  // live
  auto live = second.read_line(20s);
  ASSERT_TRUE(live) << second.stderr_text();
  more.push_back(json::parse(*live));
  EXPECT_EQ(second.wait_exit(20s), 0);
  for (const json& e : more) seen.push_back(e);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i]["seq"], i + 1);
  EXPECT_EQ(seen.back()["payload"]["server"]["name"], "delta");
}

// A subscriber that does not read while many events are published loses messages at the
// bus high-water mark; it notices the seq gap and fills it over control.
class CliHighWaterMarkTest : public CliHistoryTest {
 protected:
  std::vector<std::string> extra_daemon_args() override {
    std::ofstream(dir_.sub("small-hwm.toml")) << "bus_high_water_mark = 2\n";
    return {"--config", dir_.sub("small-hwm.toml")};
  }
};

TEST_F(CliHighWaterMarkTest, PythonSubscriberFillsGapsFromDroppedMessages) {
  const std::string script = std::string(DISTSYNC_SOURCE_DIR) + "/examples/subscriber.py";
  ChildProcess sub("/usr/bin/python3",
                   {script, "--control", daemon_->control_endpoint(), "--idle-exit", "2",
                    "--rcvhwm", "2", "--rcvbuf", "4096", "--stats-to", dir_.sub("stats")},
                   dir_.sub("sub.err"));
  auto first = sub.read_line(20s);  // ConsoleStarted: subscribed and caught up
  ASSERT_TRUE(first) << sub.stderr_text();
  sub.signal(SIGSTOP);  // subscribed but not reading
  // Big events, so that socket buffers fill and the publisher hits the high-water mark.
  auto client = ControlClient::connect(daemon_->control_endpoint(), 10s);
  ASSERT_TRUE(client.ok());
  // About 4.5 KB each: descriptions stop at 1024 bytes and path components at 255.
  const std::string padding(1000, 'x');
  std::string deep;
  for (int k = 0; k < 14; ++k) deep += "/" + std::string(250, 'p');
  for (int i = 0; i < 550; ++i) {
    const std::string name = "s" + std::to_string(i);
    json spec = {{"name", name}, {"root_path", dir_.sub(name) + deep}, {"description", padding}};
    ASSERT_TRUE((*client)->call("server.add", json{{"server", spec}}).ok());
  }
  const std::uint64_t last = head();
  sub.signal(SIGCONT);
  std::vector<json> seen = {json::parse(*first)};
  while (auto line = sub.read_line(30s)) seen.push_back(json::parse(*line));
  EXPECT_EQ(sub.wait_exit(20s), 0) << sub.stderr_text();
  ASSERT_EQ(seen.size(), last);
  for (std::size_t i = 0; i < seen.size(); ++i) ASSERT_EQ(seen[i]["seq"], i + 1);
  // Messages were dropped at the high-water mark (fewer arrived on the bus than were
  // published), yet every event was delivered, once, in order: the missing ones over control.
  json stats = json::parse(read_file(dir_.sub("stats")));
  EXPECT_LT(stats["bus_messages"].get<std::uint64_t>(), last - 1) << stats;
  EXPECT_GE(stats["fetched"].get<std::uint64_t>(), 2u) << stats;
}

}  // namespace
}  // namespace distsync::testing
