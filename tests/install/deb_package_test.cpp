// The .deb as CI builds it: `cpack -G DEB` from the build dir into a temp dir, then what an
// admin's dpkg would see: the files (dpkg-deb -c), the dependencies dpkg-shlibdeps computed,
// the conffile, the unit's paths, and lintian with no errors.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/install/install_test_support.h"
#include "tests/support/temp_dir.h"

namespace distsync::testing {
namespace {

TEST(DebPackageTest, BuildsTheDebAndLintianFindsNoErrors) {
  TempDir tmp;
  const std::string out = tmp.sub("cpack");
  CommandResult built = sh(sh_quote(CPACK_COMMAND_PATH) + " -G DEB --config " +
                               sh_quote(std::string(DISTSYNC_BINARY_DIR) + "/CPackConfig.cmake") +
                               " -B " + sh_quote(out),
                           tmp.path(), 240s);
  ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
  std::string deb;
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    if (entry.path().extension() == ".deb") deb = entry.path().string();
  }
  ASSERT_FALSE(deb.empty()) << built.out;
  EXPECT_EQ(std::filesystem::path(deb).filename().string().rfind(
                std::string("distsync_") + DISTSYNC_VERSION + "_",
                0),
            0u)
      << deb;

  CommandResult contents = sh("dpkg-deb -c " + sh_quote(deb), tmp.path());
  ASSERT_EQ(contents.exit_code, 0) << contents.err;
  for (const char* path :
       {"./usr/bin/distsyncd", "./usr/bin/distsync", "./usr/bin/distsync-admin",
        "./usr/bin/distsync-worker", "./lib/systemd/system/distsyncd.service",
        "./etc/distsync/distsync.toml", "./usr/share/man/man1/distsyncd.1.gz",
        "./usr/share/man/man1/distsync.1.gz", "./usr/share/bash-completion/completions/distsync",
        "./usr/share/doc/distsync/copyright", "./usr/share/doc/distsync/changelog.gz"}) {
    EXPECT_NE(contents.out.find(std::string(path) + "\n"), std::string::npos)
        << path << " missing from\n"
        << contents.out;
  }

  // dpkg-shlibdeps found the libraries; postinst's adduser is declared by hand.
  CommandResult depends = sh("dpkg-deb -f " + sh_quote(deb) + " Depends", tmp.path());
  EXPECT_NE(depends.out.find("libzmq5"), std::string::npos) << depends.out;
  EXPECT_NE(depends.out.find("liblmdb0"), std::string::npos) << depends.out;
  EXPECT_NE(depends.out.find("libsystemd0"), std::string::npos) << depends.out;
  EXPECT_NE(depends.out.find("adduser"), std::string::npos) << depends.out;

  CommandResult conffiles = sh("dpkg-deb -I " + sh_quote(deb) + " conffiles", tmp.path());
  EXPECT_EQ(conffiles.out, "/etc/distsync/distsync.toml\n") << conffiles.err;

  // In the package, the unit starts /usr/bin/distsyncd with /etc's config.
  const std::string root = tmp.sub("root");
  ASSERT_EQ(sh("dpkg-deb -x " + sh_quote(deb) + " " + sh_quote(root), tmp.path()).exit_code, 0);
  std::string unit = read_file(root + "/lib/systemd/system/distsyncd.service");
  EXPECT_NE(unit.find("\nExecStart=/usr/bin/distsyncd --config /etc/distsync/distsync.toml\n"),
            std::string::npos)
      << unit;

  // Errors fail; warnings are printed for the reader. Overrides: packaging/lintian-overrides.
  CommandResult lintian = sh("lintian --fail-on error " + sh_quote(deb), tmp.path(), 240s);
  EXPECT_EQ(lintian.exit_code, 0) << lintian.out << lintian.err;
  if (!lintian.out.empty()) std::cout << "lintian:\n" << lintian.out;
}

}  // namespace
}  // namespace distsync::testing
