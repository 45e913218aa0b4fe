// ClientRegistry (daemon/security/client_registry.h) over a real file: a SIGHUP (raised in
// this process, with the daemon's handler installed) or a replaced file is taken at the next
// current(); a malformed file keeps the list in force; a fixed list is never re-read.
#include "daemon/security/client_registry.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "tests/support/temp_dir.h"

namespace distsync::testing {
namespace {

const std::string kKeyA = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
const std::string kKeyB = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";

class ClientRegistryTest : public ::testing::Test {
 protected:
  void write(const std::string& text) {
    std::ofstream(dir_.sub("clients.new")) << text;
    ::chmod(dir_.sub("clients.new").c_str(), 0644);
    ASSERT_EQ(std::rename(dir_.sub("clients.new").c_str(), path().c_str()), 0);
  }
  std::string path() const { return dir_.sub("clients"); }
  TempDir dir_;
};

TEST_F(ClientRegistryTest, SighupTakesTheNewFileAndAMalformedOneKeepsTheOld) {
  write("ops operator " + kKeyA + "\n");
  auto reg = ClientRegistry::open(path());
  ASSERT_TRUE(reg.ok()) << reg.status().to_string();
  install_client_reload_signal();
  EXPECT_TRUE((*reg)->current()->find_key(kKeyA));

  write("audit auditor " + kKeyB + "\n");
  ASSERT_EQ(::raise(SIGHUP), 0);  // the handler only counts; this process goes on
  auto now = (*reg)->current();
  EXPECT_FALSE(now->find_key(kKeyA));
  ASSERT_TRUE(now->find_key(kKeyB));
  EXPECT_EQ(now->find_key(kKeyB)->role, ClientRole::kAuditor);
  EXPECT_EQ((*reg)->reloads(), 1u);

  write("audit auditor short\n");
  ASSERT_EQ(::raise(SIGHUP), 0);
  EXPECT_TRUE((*reg)->current()->find_key(kKeyB));  // the list in force stays
  EXPECT_EQ((*reg)->reloads(), 1u);
  Status s = (*reg)->reload();
  EXPECT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find(path() + " line 1"), std::string::npos) << s.message();

  // Writable by others is malformed too: kept out.
  write("ops operator " + kKeyA + "\n");
  ::chmod(path().c_str(), 0666);
  EXPECT_FALSE((*reg)->reload().is_ok());
  EXPECT_FALSE((*reg)->current()->find_key(kKeyA));
}

TEST_F(ClientRegistryTest, AReplacedFileIsTakenWithoutASignal) {
  write("ops operator " + kKeyA + "\n");
  auto reg = ClientRegistry::open(path());
  ASSERT_TRUE(reg.ok());
  write("ops operator " + kKeyA + "\naudit auditor " + kKeyB + "\n");
  // Looked at at most once a second: poll with a deadline.
  bool seen = false;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       !seen && std::chrono::steady_clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(20))) {
    seen = (*reg)->current()->find_key(kKeyB).has_value();
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ((*reg)->reloads(), 1u);
}

TEST_F(ClientRegistryTest, AFixedListIsNeverReRead) {
  auto list = ClientAllowlist::parse("ops operator " + kKeyA + "\n", "clients");
  ASSERT_TRUE(list.ok());
  ClientRegistry fixed(std::move(list).value());
  install_client_reload_signal();
  ASSERT_EQ(::raise(SIGHUP), 0);
  EXPECT_TRUE(fixed.current()->find_key(kKeyA));
  EXPECT_TRUE(fixed.reload().is_ok());
  EXPECT_EQ(fixed.reloads(), 0u);
}

TEST_F(ClientRegistryTest, AMissingFileAtOpenIsTheLoadError) {
  auto reg = ClientRegistry::open(path());
  ASSERT_FALSE(reg.ok());
  EXPECT_NE(reg.status().message().find("control clients file " + path()), std::string::npos);
}

}  // namespace
}  // namespace distsync::testing
