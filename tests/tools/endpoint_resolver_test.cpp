#include "tools/client/endpoint_resolver.h"

#include <gtest/gtest.h>

#include <fstream>

#include "daemon/console_lock.h"
#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

DaemonConfig config_for(const std::string& data_dir, std::optional<std::string> console = {}) {
  ConfigFlags flags;
  flags.data_dir = data_dir;
  flags.console_id = console;
  auto c = load_config(flags, "");
  EXPECT_TRUE(c.ok());
  return *c;
}

// A console "runs" when its lock is held and its control socket file exists.
std::unique_ptr<ConsoleLock> pretend_running(const std::string& data_dir, const std::string& id) {
  auto lock = ConsoleLock::acquire(data_dir + "/run", id, data_dir);
  EXPECT_TRUE(lock.ok());
  std::ofstream(data_dir + "/run/" + id + ".control") << "";
  return lock.ok() ? std::move(lock).value() : nullptr;
}

TEST(EndpointResolverTest, ExplicitEndpointWins) {
  testing::TempDir dir;
  auto ep =
      resolve_control_endpoint(config_for(dir.path()), std::string("ipc:///srv/other.control"));
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(*ep, "ipc:///srv/other.control");
}

TEST(EndpointResolverTest, TheOnlyRunningConsoleIsFound) {
  testing::TempDir dir;
  auto lock = pretend_running(dir.path(), "east");
  // A stale socket whose lock nobody holds is not a running console.
  std::ofstream(dir.path() + "/run/dead.control") << "";
  std::ofstream(dir.path() + "/run/dead.lock") << "123\n";
  EXPECT_EQ(running_consoles(dir.path() + "/run"), std::vector<std::string>{"east"});
  auto ep = resolve_control_endpoint(config_for(dir.path()), std::nullopt);
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(*ep, "ipc://" + dir.path() + "/run/east.control");
}

TEST(EndpointResolverTest, SeveralRunningConsolesAreAnErrorNamingThem) {
  testing::TempDir dir;
  auto west = pretend_running(dir.path(), "west");
  auto east = pretend_running(dir.path(), "east");
  auto ep = resolve_control_endpoint(config_for(dir.path()), std::nullopt);
  ASSERT_FALSE(ep.ok());
  EXPECT_EQ(ep.status().message(),
            "several consoles share " + dir.path() + " (east, west); pick one with --console");
  auto chosen = resolve_control_endpoint(config_for(dir.path(), "west"), std::nullopt);
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(*chosen, "ipc://" + dir.path() + "/run/west.control");
}

TEST(EndpointResolverTest, NoneRunningFallsBackToTheConfiguredEndpoint) {
  testing::TempDir dir;
  DaemonConfig c = config_for(dir.path());
  auto ep = resolve_control_endpoint(c, std::nullopt);
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(*ep, c.control_endpoint);
}

}  // namespace
}  // namespace distsync
