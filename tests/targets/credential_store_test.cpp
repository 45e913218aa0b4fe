#include "daemon/targets/credential_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

TEST(CredentialStoreTest, AddsReplacesListsAndRemovesWithMode0600) {
  testing::TempDir dir;
  CredentialStore store(dir.sub("credentials.json"));
  EXPECT_TRUE(store.list()->empty());
  ASSERT_TRUE(store.add({"berlin", "svc", "CORP", "pw-one"}).is_ok());
  ASSERT_TRUE(store.add({"amsterdam", "svc2", "", "pw-two"}).is_ok());
  ASSERT_TRUE(store.add({"berlin", "svc", "CORP", "pw-three"}).is_ok());
  struct stat st {};
  ASSERT_EQ(::stat(dir.sub("credentials.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto all = store.list();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "amsterdam");
  EXPECT_EQ((*all)[1].user, "svc");
  EXPECT_EQ(store.find("berlin")->password, "pw-three");
  // A second store on the same file (another process) sees the same.
  CredentialStore other(dir.sub("credentials.json"));
  EXPECT_EQ(other.find("amsterdam")->password, "pw-two");
  EXPECT_TRUE(store.remove("amsterdam").is_ok());
  EXPECT_EQ(store.remove("amsterdam").code(), Status::Code::kNotFound);
  EXPECT_EQ(store.find("amsterdam").status().code(), Status::Code::kNotFound);
}

TEST(CredentialStoreTest, RefusesBadInputWithoutEchoingThePassword) {
  testing::TempDir dir;
  CredentialStore store(dir.sub("credentials.json"));
  for (const Credential& bad : {Credential{"a b", "u", "", "Secret-9"}, Credential{"ok", "", "", "Secret-9"},
                                Credential{"ok", "u", "", ""}}) {
    Status s = store.add(bad);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(s.message().find("Secret-9"), std::string::npos);
  }
}

TEST(CredentialStoreTest, RefusesAFileOthersCanRead) {
  testing::TempDir dir;
  CredentialStore store(dir.sub("credentials.json"));
  ASSERT_TRUE(store.add({"berlin", "svc", "", "pw"}).is_ok());
  ::chmod(dir.sub("credentials.json").c_str(), 0644);
  auto found = store.find("berlin");
  ASSERT_FALSE(found.ok());
  EXPECT_NE(found.status().message().find("0600"), std::string::npos);
  std::ofstream(dir.sub("garbage.json")) << "{\"password\":\"leaked\"";
  ::chmod(dir.sub("garbage.json").c_str(), 0600);
  auto bad = CredentialStore(dir.sub("garbage.json")).list();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().find("leaked"), std::string::npos);
}

}  // namespace
}  // namespace distsync
