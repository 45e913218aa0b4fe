// The web console's request checks: RequestGuard's rules (unit), and the same refusals over
// HTTP against a real distsyncd and distsync-web: a POST without the CSRF token, with
// another session's token, from another origin or naming another host is refused (403) and
// changes nothing; with --read-only every write op is refused while reads still work.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "tests/support/daemon_harness.h"
#include "tests/support/temp_dir.h"
#include "tools/web/op_policy.h"
#include "tools/web/request_guard.h"

namespace distsync {
namespace {

using testing::ChildProcess;
using testing::DaemonHarness;
using testing::TempDir;
using nlohmann::json;

const std::string kHost = "127.0.0.1:8730";

TEST(RequestGuardTest, AcceptsSameOriginWithTheSessionsToken) {
  RequestGuard guard({kHost});
  Session s = guard.session_for("");
  const std::string cookie = std::string(RequestGuard::kCookieName) + "=" + s.id;
  EXPECT_TRUE(guard.check_post(kHost, "http://" + kHost, "", cookie, s.csrf).is_ok());
  // Without Origin, the Referer's origin counts.
  EXPECT_TRUE(guard.check_post(kHost, "", "http://" + kHost + "/#jobs", cookie, s.csrf).is_ok());
  // The same cookie names the same session.
  EXPECT_EQ(guard.session_for("a=1; " + cookie).csrf, s.csrf);
}

TEST(RequestGuardTest, RefusesCrossOriginMissingOrForeignTokensAndOtherHosts) {
  RequestGuard guard({kHost});
  Session s = guard.session_for("");
  Session other = guard.session_for("");
  ASSERT_NE(s.csrf, other.csrf);
  const std::string cookie = std::string(RequestGuard::kCookieName) + "=" + s.id;
  const std::string origin = "http://" + kHost;
  auto refused = [&](const Status& st, const std::string& words) {
    EXPECT_FALSE(st.is_ok());
    EXPECT_NE(st.message().find(words), std::string::npos) << st.message();
  };
  refused(guard.check_post(kHost, "http://evil.example", "", cookie, s.csrf), "cross-origin");
  refused(guard.check_post(kHost, "", "", cookie, s.csrf), "no Origin");
  refused(guard.check_post(kHost, origin, "", cookie, ""), "missing CSRF");
  refused(guard.check_post(kHost, origin, "", cookie, other.csrf), "does not match");
  refused(guard.check_post(kHost, origin, "", "", s.csrf), "no session");
  refused(guard.check_post(kHost, origin, "", std::string(RequestGuard::kCookieName) + "=forged", s.csrf),
          "unknown session");
  refused(guard.check_post("rebind.example:8730", "http://rebind.example:8730", "", cookie, s.csrf),
          "not one this console serves");
}

TEST(OpPolicyTest, ClassifiesOpsAndDropsSecretKeys) {
  EXPECT_EQ(op_kind("server.list"), OpKind::kRead);
  EXPECT_EQ(op_kind("server.add"), OpKind::kWrite);
  EXPECT_EQ(op_kind("event.acknowledge"), OpKind::kWrite);
  EXPECT_EQ(op_kind("shutdown"), OpKind::kUnknown);
  json j = {{"servers", {{{"name", "a"}, {"credential_ref", "vault"}, {"Password", "x"}}}},
            {"api_token", "t"}};
  json r = redact_secrets(j);
  EXPECT_EQ(r, (json{{"servers", {{{"name", "a"}}}}}));
}

// distsyncd and distsync-web (any free port) on a temp data dir.
class WebConsole {
 public:
  WebConsole(const TempDir& dir, const std::vector<std::string>& web_args)
      : daemon_(dir.sub("var"), "web1") {
    std::vector<std::string> args = {"--data-dir", dir.sub("var"), "--port", "0"};
    args.insert(args.end(), web_args.begin(), web_args.end());
    web_ = std::make_unique<ChildProcess>(DISTSYNC_WEB_PATH, args, dir.sub("web.err"));
    line_ = web_->read_line(std::chrono::seconds(20)).value_or("");
    auto at = line_.find("http://127.0.0.1:");
    if (at != std::string::npos) port_ = std::stoi(line_.substr(at + 17));
  }
  bool ready() const { return daemon_.ready() && port_ > 0; }
  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& line() const { return line_; }
  DaemonHarness& daemon() { return daemon_; }

 private:
  DaemonHarness daemon_;
  std::unique_ptr<ChildProcess> web_;
  std::string line_;
  int port_ = 0;
};

struct Page {
  std::string cookie, csrf;
};

Page open_session(httplib::Client& http) {
  auto res = http.Get("/api/session");
  Page p;
  if (!res || res->status != 200) return p;
  std::string set = res->get_header_value("Set-Cookie");
  p.cookie = set.substr(0, set.find(';'));
  p.csrf = json::parse(res->body).value("csrf", "");
  return p;
}

httplib::Result post(httplib::Client& http, const std::string& op, const json& args,
                     const httplib::Headers& headers) {
  return http.Post(("/api/op/" + op).c_str(), headers, args.dump(), "application/json");
}

std::size_t server_count(DaemonHarness& daemon, const TempDir& dir) {
  auto r = testing::run_command(DaemonHarness::cli_path(),
                                {"--endpoint", daemon.control_endpoint(), "--json", "server", "list"},
                                dir.path());
  return json::parse(r.out, nullptr, false).value("servers", json::array()).size();
}

TEST(WebConsoleHttpTest, StateChangingRequestsNeedTheTokenAndTheSameOrigin) {
  TempDir dir;
  WebConsole web(dir, {});
  ASSERT_TRUE(web.ready()) << web.line();
  httplib::Client http("127.0.0.1", web.port());
  Page page = open_session(http);
  ASSERT_FALSE(page.csrf.empty());
  const std::string origin = "http://" + web.host();
  const json add = {{"server", {{"name", "dist-01"}, {"root_path", dir.sub("srv")}}}};

  auto no_token = post(http, "server.add", add, {{"Cookie", page.cookie}, {"Origin", origin}});
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 403);
  EXPECT_NE(no_token->body.find("missing CSRF token"), std::string::npos) << no_token->body;

  auto cross = post(http, "server.add", add,
                    {{"Cookie", page.cookie}, {"Origin", "http://evil.example"}, {"X-CSRF-Token", page.csrf}});
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403);
  EXPECT_NE(cross->body.find("cross-origin request refused"), std::string::npos) << cross->body;

  auto rebound = post(http, "server.add", add,
                      {{"Host", "rebind.example:" + std::to_string(web.port())},
                       {"Cookie", page.cookie}, {"Origin", "http://rebind.example"},
                       {"X-CSRF-Token", page.csrf}});
  ASSERT_TRUE(rebound);
  EXPECT_EQ(rebound->status, 403);
  EXPECT_EQ(server_count(web.daemon(), dir), 0u) << "a refused request changed state";

  auto ok = post(http, "server.add", add,
                 {{"Cookie", page.cookie}, {"Origin", origin}, {"X-CSRF-Token", page.csrf}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(server_count(web.daemon(), dir), 1u);

  // The daemon's validation message reaches the page as it is (as the CLI prints it).
  auto bad = post(http, "server.add", json{{"server", {{"name", "dist-02"}, {"root_path", "relative"}}}},
                  {{"Cookie", page.cookie}, {"Origin", origin}, {"X-CSRF-Token", page.csrf}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto cli = testing::run_command(DaemonHarness::cli_path(),
                                  {"--endpoint", web.daemon().control_endpoint(), "server", "add",
                                   "dist-02", "--path", "relative"},
                                  dir.path());
  ASSERT_EQ(cli.exit_code, 1);
  const std::string cli_message = cli.err.substr(std::string("distsync: ").size());
  EXPECT_EQ(json::parse(bad->body).value("error", "") + "\n", cli_message);
}

TEST(WebConsoleHttpTest, ReadOnlyRefusesEveryWriteAndStillReads) {
  TempDir dir;
  WebConsole web(dir, {"--read-only"});
  ASSERT_TRUE(web.ready()) << web.line();
  httplib::Client http("127.0.0.1", web.port());
  Page page = open_session(http);
  auto session = http.Get("/api/session");
  ASSERT_TRUE(session);
  EXPECT_TRUE(json::parse(session->body).value("read_only", false));
  const httplib::Headers headers = {
      {"Cookie", page.cookie}, {"Origin", "http://" + web.host()}, {"X-CSRF-Token", page.csrf}};
  for (const char* op : {"server.add", "schedule.run", "sync.start", "event.acknowledge"}) {
    auto res = post(http, op, json{{"server", {{"name", "x"}, {"root_path", dir.sub("x")}}}}, headers);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 403) << op;
    EXPECT_NE(res->body.find("read-only"), std::string::npos) << res->body;
  }
  EXPECT_EQ(server_count(web.daemon(), dir), 0u);
  auto list = post(http, "server.list", json::object(), headers);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200) << list->body;
  auto unknown = post(http, "no.such.op", json::object(), headers);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

TEST(WebConsoleHttpTest, RefusesARemoteListenAddressUnlessAllowed) {
  TempDir dir;
  auto r = testing::run_command(DISTSYNC_WEB_PATH, {"--data-dir", dir.sub("var"), "--listen", "0.0.0.0"},
                                dir.path());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--allow-remote"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace distsync
