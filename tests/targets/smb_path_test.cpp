#include "daemon/content/smb_path.h"

#include <gtest/gtest.h>

namespace distsync {
namespace {

TEST(SmbPathTest, BothSpellingsNormalizeToOneForm) {
  auto unc = SmbPath::parse("\\\\FileSrv\\dist\\berlin\\", "server path");
  auto url = SmbPath::parse("smb://filesrv/dist//berlin", "server path");
  ASSERT_TRUE(unc.ok()) << unc.status().message();
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(*unc, *url);
  EXPECT_EQ(unc->str(), "smb://filesrv/dist/berlin");
  EXPECT_EQ(unc->unc(), "\\\\filesrv\\dist\\berlin");
  EXPECT_EQ(unc->share_unc(), "\\\\filesrv\\dist");
  auto port = SmbPath::parse("\\\\127.0.0.1:4455\\dist", "server path");
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(port->port(), 4455);
  EXPECT_EQ(port->dir(), "");
  EXPECT_EQ(port->url("Patches/a b%.msu"), "smb://127.0.0.1:4455/dist/Patches/a%20b%25.msu");
}

TEST(SmbPathTest, RefusesWhatIsUnsafeInOneLine) {
  for (const char* bad : {"smb://host", "\\\\host", "smb:///share", "smb://ho st/share",
                          "smb://host:0/share", "smb://host:99999/share", "smb://host/share/../x",
                          "smb://host/share?x=1", "\\\\host\\share\\a\x1b[2J", "/srv/dist"}) {
    auto p = SmbPath::parse(bad, "server path");
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().message().find('\n'), std::string::npos);
    EXPECT_EQ(p.status().message().find('\x1b'), std::string::npos);
  }
  auto secret = SmbPath::parse("smb://user:Hunter2@host/share", "server path");
  ASSERT_FALSE(secret.ok());
  EXPECT_EQ(secret.status().message().find("Hunter2"), std::string::npos);
}

TEST(SmbPathTest, WithinComparesFolders) {
  auto a = *SmbPath::parse("smb://h/s/a", "");
  auto ab = *SmbPath::parse("\\\\h\\s\\a\\b", "");
  auto abc = *SmbPath::parse("smb://h/s/abc", "");
  auto share = *SmbPath::parse("smb://h/s", "");
  EXPECT_TRUE(ab.is_within(a));
  EXPECT_FALSE(abc.is_within(a));
  EXPECT_TRUE(a.is_within(share));
  EXPECT_FALSE(a.is_within(*SmbPath::parse("smb://h/other", "")));
  EXPECT_TRUE(is_smb_path("SMB://h/s"));
  EXPECT_TRUE(is_smb_path("\\\\h\\s"));
  EXPECT_FALSE(is_smb_path("/srv/x"));
}

}  // namespace
}  // namespace distsync
