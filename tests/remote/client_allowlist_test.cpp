#include "daemon/security/client_allowlist.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "daemon/request_router.h"
#include "daemon/security/op_access.h"
#include "tests/support/temp_dir.h"

namespace distsync::testing {
namespace {

const std::string kKeyA = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
const std::string kKeyB = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
const std::string kKeyWithHash = "Mu>uMFORC4mKj)@[r*#I+U$J*9VDhS[-E[SOm4Oh";

TEST(ClientAllowlistTest, NamesRolesAndKeysAreRead) {
  auto list = ClientAllowlist::parse("# who may connect\n"
                                     "ops operator " + kKeyA + "\n\n"
                                     "  # the auditor\n"
                                     "audit-1 auditor " + kKeyB + "\n",
                                     "clients");
  ASSERT_TRUE(list.ok()) << list.status().to_string();
  EXPECT_EQ(list->size(), 2u);
  ASSERT_TRUE(list->find_key(kKeyA));
  EXPECT_EQ(list->find_key(kKeyA)->name, "ops");
  EXPECT_EQ(list->role_of("ops"), ClientRole::kOperator);
  EXPECT_EQ(list->role_of("audit-1"), ClientRole::kAuditor);
  EXPECT_FALSE(list->find_key("x"));
  EXPECT_FALSE(list->role_of("nobody"));
  // '#' inside a key is part of it.
  auto hashed = ClientAllowlist::parse("ops operator " + kKeyWithHash + "\n", "clients");
  ASSERT_TRUE(hashed.ok()) << hashed.status().to_string();
  EXPECT_TRUE(hashed->find_key(kKeyWithHash));
}

TEST(ClientAllowlistTest, MalformedLinesAreRefusedNamingTheLine) {
  struct Case {
    std::string text, expected;
  } cases[] = {
      {"ops operator\n", "clients line 1: expected NAME ROLE PUBLIC_KEY"},
      {"ops admin " + kKeyA + "\n", "clients line 1: role 'admin' is neither operator nor auditor"},
      {"\nops operator short\n", "clients line 2: 'ops' has no CURVE public key (40 Z85 characters)"},
      {"a/b operator " + kKeyA + "\n", "clients line 1: client name 'a/b' must be 1-64 of A-Z a-z 0-9 . _ -"},
      {"a operator " + kKeyA + "\nb auditor " + kKeyA + "\n", "clients line 2: client 'b' or its key is listed twice"},
      {"a operator " + kKeyA + " extra\n", "clients line 1: expected NAME ROLE PUBLIC_KEY"},
  };
  for (const auto& c : cases) {
    auto list = ClientAllowlist::parse(c.text, "clients");
    ASSERT_FALSE(list.ok()) << c.text;
    EXPECT_EQ(list.status().message(), c.expected);
  }
}

TEST(ClientAllowlistTest, AFileOthersMayWriteIsRefused) {
  TempDir dir;
  std::string path = dir.sub("clients");
  std::ofstream(path) << "ops operator " << kKeyA << "\n";
  ::chmod(path.c_str(), 0664);
  auto list = ClientAllowlist::load(path);
  ASSERT_FALSE(list.ok());
  EXPECT_NE(list.status().message().find("chmod go-w"), std::string::npos);
  ::chmod(path.c_str(), 0644);
  EXPECT_TRUE(ClientAllowlist::load(path).ok());
  EXPECT_FALSE(ClientAllowlist::load(dir.sub("missing")).ok());
}

TEST(OpAccessTest, ReadsAreAllowedAndEverythingElseIsAWrite) {
  for (const char* op : {"status", "server.list", "history.query", "events.read", "report",
                         "audit.export", "sync.jobs"}) {
    EXPECT_TRUE(op_is_read_only(op)) << op;
  }
  for (const char* op : {"server.add", "server.remove", "sync.start", "schedule.add",
                         "credential.add", "agent.allow", "download.source", "a.new.op"}) {
    EXPECT_FALSE(op_is_read_only(op)) << op;
  }
}

TEST(OpAccessTest, TheRouterRefusesAnAuditorsWriteBeforeItsHandlerRuns) {
  RequestRouter router;
  int writes = 0;
  router.add("server.add", [&](const nlohmann::json&) -> Result<nlohmann::json> {
    ++writes;
    return nlohmann::json::object();
  });
  router.add("server.list", [](const nlohmann::json&) -> Result<nlohmann::json> {
    return nlohmann::json::array();
  });
  auto call = [&](const char* op, ClientRole role) {
    std::string body = std::string(R"({"op":")") + op + R"(","id":1})";
    return nlohmann::json::parse(router.handle({kProtocolTag, body}, 1 << 20, role));
  };
  auto refused = call("server.add", ClientRole::kAuditor);
  EXPECT_FALSE(refused["ok"].get<bool>());
  EXPECT_EQ(refused["error"]["code"], "permission_denied");
  EXPECT_EQ(refused["error"]["message"].get<std::string>().rfind("forbidden: auditor role", 0), 0u);
  EXPECT_EQ(writes, 0);
  EXPECT_TRUE(call("server.list", ClientRole::kAuditor)["ok"].get<bool>());
  EXPECT_TRUE(call("server.add", ClientRole::kOperator)["ok"].get<bool>());
  EXPECT_EQ(writes, 1);
}

}  // namespace
}  // namespace distsync::testing
