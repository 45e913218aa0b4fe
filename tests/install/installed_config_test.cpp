// Where an installed client finds its config (daemon/cli/installed_config.h): beside its
// install prefix, /etc for /usr, nothing for a build tree, and never over --config,
// $DISTSYNC_CONFIG or a --data-dir.
#include "daemon/cli/installed_config.h"

#include <gtest/gtest.h>

namespace distsync {
namespace {

TEST(InstalledConfigTest, APrefixBinaryReadsItsPrefixsEtcAndUsrReadsEtc) {
  EXPECT_EQ(installed_config_path_for("/usr/bin/distsync"), "/etc/distsync/distsync.toml");
  EXPECT_EQ(installed_config_path_for("/usr/local/bin/distsync"),
            "/usr/local/etc/distsync/distsync.toml");
  EXPECT_EQ(installed_config_path_for("/opt/ds/bin/../bin/distsync-admin"),
            "/opt/ds/etc/distsync/distsync.toml");
}

TEST(InstalledConfigTest, ABuildTreeOrRelativeBinaryHasNone) {
  EXPECT_EQ(installed_config_path_for("/home/dev/distsync/build/tools/distsync/distsync"),
            std::nullopt);
  EXPECT_EQ(installed_config_path_for("bin/distsync"), std::nullopt);
  EXPECT_EQ(installed_config_path_for(""), std::nullopt);
}

TEST(InstalledConfigTest, TheEnvironmentWinsAndADataDirNamesAConsoleOfItsOwn) {
  const std::optional<std::string> installed = "/etc/distsync/distsync.toml";
  ConfigFlags none;
  EXPECT_EQ(client_config_file(none, "", installed), *installed);
  EXPECT_EQ(client_config_file(none, "/tmp/mine.toml", installed), "/tmp/mine.toml");
  EXPECT_EQ(client_config_file(none, "", std::nullopt), "");
  ConfigFlags data_dir;
  data_dir.data_dir = "/srv/console";
  EXPECT_EQ(client_config_file(data_dir, "", installed), "");
  EXPECT_EQ(client_config_file(data_dir, "/tmp/mine.toml", installed), "/tmp/mine.toml");
}

}  // namespace
}  // namespace distsync
