#include "daemon/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/temp_dir.h"

namespace distsync {
namespace {

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(ConfigTest, DefaultsDeriveEndpointsFromDataDirAndConsole) {
  ConfigFlags flags;
  flags.data_dir = "/srv/ds";
  flags.console_id = "east";
  auto c = load_config(flags, "");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->log_dir, "/srv/ds/log");
  EXPECT_EQ(c->run_dir, "/srv/ds/run");
  EXPECT_EQ(c->control_endpoint, "ipc:///srv/ds/run/east.control");
  EXPECT_EQ(c->bus_endpoint, "ipc:///srv/ds/run/east.bus");
  EXPECT_EQ(c->max_request_bytes, std::size_t{1} << 20);
  EXPECT_EQ(c->bus_high_water_mark, 100000);
  EXPECT_EQ(c->log_level, "info");
  EXPECT_FALSE(c->console_id_defaulted);
  EXPECT_TRUE(c->control_endpoint_defaulted);
}

// toml++ bounds nested arrays but not dotted keys: 100,000 of them became nested tables whose
// destructor overflowed the stack.
TEST(ConfigTest, DeeplyDottedKeysAndHeadersAreRefusedBeforeParsing) {
  std::string dotted = "console_id = \"a\"\n";
  for (int i = 0; i < 100000; ++i) dotted += "a.";
  dotted += "a = 1\n";
  auto c = apply_toml(default_config(), dotted, "deep.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "config deep.toml:2: key nested deeper than 64 levels");

  std::string header = "[a";
  for (int i = 0; i < 100000; ++i) header += ".a";
  auto h = apply_toml(default_config(), header + "]\n", "h.toml");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().message(), "config h.toml:1: key nested deeper than 64 levels");

  std::string arrays = "x = " + std::string(100000, '[') + std::string(100000, ']');
  EXPECT_FALSE(apply_toml(default_config(), arrays, "a.toml").ok());  // toml++'s own limit
}

TEST(ConfigTest, DotsInStringsAndCommentsAreNotNesting) {
  const std::string dots(200, '.');
  std::string text = "console_id = \"east\" # " + dots + "\n";
  text += "time_zone = \"Europe/" + dots + "\\\"\"\n";                          // escaped quote
  text += "refresh_source = '" + dots + "'\n";                                  // literal
  text += "patches_source = \"\"\"\n" + dots + "\n\"\"" + dots + "\"\"\"\"\n";  // ends """"
  text += "data_dir = '''" + dots + "\n'" + dots + "'''\n";
  auto c = apply_toml(default_config(), text, "ok.toml");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->console_id, "east");
  EXPECT_EQ(c->time_zone, "Europe/" + dots + "\"");
  EXPECT_EQ(c->refresh_source, dots);
  EXPECT_EQ(c->patches_source, dots + "\n\"\"" + dots + "\"");
  EXPECT_EQ(c->data_dir, dots + "\n'" + dots);
}

TEST(ConfigTest, ConsoleDefaultsToHostnameAndDataDirIsMadeAbsolute) {
  auto c = load_config(ConfigFlags{}, "");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_FALSE(c->console_id.empty());
  EXPECT_TRUE(c->console_id_defaulted);
  EXPECT_EQ(c->data_dir.front(), '/');
  EXPECT_EQ(c->data_dir.substr(c->data_dir.size() - 4), "/var");
}

TEST(ConfigTest, FileOverridesDefaultsAndFlagsOverrideFile) {
  testing::TempDir dir;
  std::string file = dir.sub("d.toml");
  write_file(file,
             "console_id = \"from-file\"\n"
             "data_dir = \"" +
                 dir.sub("data") +
                 "\"\n"
                 "log_level = \"debug\"\n"
                 "max_request_bytes = 4096\n"
                 "bus_high_water_mark = 10\n"
                 "initial_map_bytes = 1048576\n");
  ConfigFlags flags;
  flags.config_file = file;
  auto from_file = load_config(flags, "");
  ASSERT_TRUE(from_file.ok()) << from_file.status().to_string();
  EXPECT_EQ(from_file->console_id, "from-file");
  EXPECT_FALSE(from_file->console_id_defaulted);
  EXPECT_EQ(from_file->data_dir, dir.sub("data"));
  EXPECT_EQ(from_file->log_level, "debug");
  EXPECT_EQ(from_file->max_request_bytes, 4096u);
  EXPECT_EQ(from_file->bus_high_water_mark, 10);
  EXPECT_EQ(from_file->initial_map_bytes, 1048576u);
  EXPECT_EQ(from_file->config_file, file);

  flags.console_id = "from-flag";
  flags.log_level = "warn";
  auto from_flags = load_config(flags, "");
  ASSERT_TRUE(from_flags.ok());
  EXPECT_EQ(from_flags->console_id, "from-flag");
  EXPECT_EQ(from_flags->log_level, "warn");
  EXPECT_EQ(from_flags->control_endpoint, "ipc://" + dir.sub("data") + "/run/from-flag.control");
  EXPECT_EQ(from_flags->max_request_bytes, 4096u);  // untouched by flags
}

TEST(ConfigTest, EnvironmentFileIsUsedOnlyWithoutConfigFlag) {
  testing::TempDir dir;
  write_file(dir.sub("env.toml"), "console_id = \"env\"\n");
  write_file(dir.sub("flag.toml"), "console_id = \"flag\"\n");
  auto via_env = load_config(ConfigFlags{}, dir.sub("env.toml"));
  ASSERT_TRUE(via_env.ok());
  EXPECT_EQ(via_env->console_id, "env");
  ConfigFlags flags;
  flags.config_file = dir.sub("flag.toml");
  auto via_flag = load_config(flags, dir.sub("env.toml"));
  ASSERT_TRUE(via_flag.ok());
  EXPECT_EQ(via_flag->console_id, "flag");
}

TEST(ConfigTest, ExplicitEndpointsInFileAreKept) {
  auto c =
      apply_toml(default_config(), "control_endpoint = \"ipc:///srv/ds/c.control\"\n", "x.toml");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  auto f = finalize_config(*c);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->control_endpoint, "ipc:///srv/ds/c.control");
  EXPECT_FALSE(f->control_endpoint_defaulted);
}

const char kNoCurve[] =
    " refused: tcp endpoints need CURVE keys; set control_clients_file (docs/configuration.md) "
    "or use ipc://";
const char kNoCopyCurve[] =
    " refused: copy workers have no CURVE authentication; use ipc://, and put a remote server "
    "on a distsync-agent (docs/agents.md)";

TEST(ConfigTest, TcpEndpointsInTheFileAreRefusedNamingWhy) {
  struct Case {
    const char* text;
    const char* line;
  } cases[] = {
      {"control_endpoint = \"tcp://127.0.0.1:5555\"\n",
       "config f.toml: control endpoint tcp://127.0.0.1:5555"},
      {"bus_endpoint = \"tcp://*:5556\"\n", "config f.toml: bus endpoint tcp://*:5556"},
  };
  for (const auto& tc : cases) {
    auto c = apply_toml(default_config(), tc.text, "f.toml");
    ASSERT_FALSE(c.ok()) << tc.text;
    EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(c.status().message(), std::string(tc.line) + kNoCurve);
  }
  auto copy = apply_toml(default_config(), "copy_endpoint = \"tcp://0.0.0.0:5557\"\n", "f.toml");
  ASSERT_FALSE(copy.ok());
  EXPECT_EQ(copy.status().message(),
            std::string("config f.toml: copy endpoint tcp://0.0.0.0:5557") + kNoCopyCurve);
}

TEST(ConfigTest, TcpControlAndBusAreAcceptedWithAClientsFileInAnyKeyOrder) {
  auto c = apply_toml(default_config(),
                      "control_endpoint = \"tcp://127.0.0.1:5555\"\n"
                      "bus_endpoint = \"tcp://127.0.0.1:5556\"\n"
                      "control_clients_file = \"/etc/distsync/clients\"\n",
                      "f.toml");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->control_clients_file, "/etc/distsync/clients");
  EXPECT_EQ(c->control_endpoint, "tcp://127.0.0.1:5555");
}

TEST(ConfigTest, TcpEndpointsFromFlagsAreRefusedNamingWhy) {
  testing::TempDir dir;
  ConfigFlags control;
  control.data_dir = dir.path();
  control.control_endpoint = "tcp://127.0.0.1:5555";
  auto c = load_config(control, "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), std::string("control endpoint tcp://127.0.0.1:5555") + kNoCurve);
  ConfigFlags bus;
  bus.data_dir = dir.path();
  bus.bus_endpoint = "tcp://127.0.0.1:5556";
  c = load_config(bus, "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), std::string("bus endpoint tcp://127.0.0.1:5556") + kNoCurve);
  // finalize_config() checks a config built in code too, copy endpoint included.
  DaemonConfig built = default_config();
  built.data_dir = dir.path();
  built.copy_endpoint = "tcp://127.0.0.1:5557";
  c = finalize_config(built);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), std::string("copy endpoint tcp://127.0.0.1:5557") + kNoCopyCurve);
  built.copy_endpoint = "ipc://" + dir.path() + "/copy.sock";
  EXPECT_TRUE(finalize_config(built).ok());
}

TEST(ConfigTest, UnknownKeyIsRefusedNamingKeyAndFile) {
  auto c = apply_toml(default_config(), "consol_id = \"x\"\n", "/etc/distsync.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(c.status().message().find("consol_id"), std::string::npos);
  EXPECT_NE(c.status().message().find("/etc/distsync.toml"), std::string::npos);
}

TEST(ConfigTest, BadValuesAreRefusedNamingTheKey) {
  struct Case {
    const char* text;
    const char* key;
  } cases[] = {
      {"max_request_bytes = \"big\"\n", "max_request_bytes"},
      {"max_request_bytes = -1\n", "max_request_bytes"},
      {"bus_high_water_mark = 0\n", "bus_high_water_mark"},
      {"log_level = \"loud\"\n", "log_level"},
      {"console_id = \"a/b\"\n", "console_id"},
      {"data_dir = 3\n", "data_dir"},
      {"bus_endpoint = \"nowhere\"\n", "bus_endpoint"},
  };
  for (const auto& tc : cases) {
    auto c = apply_toml(default_config(), tc.text, "f.toml");
    ASSERT_FALSE(c.ok()) << tc.text;
    EXPECT_NE(c.status().message().find(tc.key), std::string::npos) << c.status().message();
    EXPECT_NE(c.status().message().find("f.toml"), std::string::npos) << c.status().message();
    EXPECT_EQ(c.status().message().find('\n'), std::string::npos);
  }
}

TEST(ConfigTest, SyntaxErrorNamesFileAndLine) {
  auto c = apply_toml(default_config(), "log_level = \"info\"\nthis is not toml\n", "g.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("g.toml:2"), std::string::npos) << c.status().message();
}

TEST(ConfigTest, MissingConfigFileIsAnError) {
  ConfigFlags flags;
  flags.config_file = "/nonexistent/distsync.toml";
  auto c = load_config(flags, "");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/nonexistent/distsync.toml"), std::string::npos);
}

TEST(ConfigTest, BadFlagValuesAreRefused) {
  ConfigFlags flags;
  flags.console_id = "../evil";
  EXPECT_FALSE(load_config(flags, "").ok());
  ConfigFlags level;
  level.log_level = "chatty";
  EXPECT_FALSE(load_config(level, "").ok());
}

TEST(ConfigTest, OverlongIpcPathIsRefused) {
  ConfigFlags flags;
  flags.data_dir = "/" + std::string(120, 'x');
  auto c = load_config(flags, "");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("107"), std::string::npos);
}

}  // namespace
}  // namespace distsync

namespace distsync {
namespace {

TEST(ConfigTest, ShippedExampleFileLoadsAndMatchesTheDefaults) {
  ConfigFlags flags;
  flags.config_file = DISTSYNC_EXAMPLE_CONFIG;
  flags.console_id = "example";
  auto from_file = load_config(flags, "");
  ASSERT_TRUE(from_file.ok()) << from_file.status().to_string();
  flags.config_file.reset();
  auto defaults = load_config(flags, "");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(from_file->data_dir, defaults->data_dir);
  EXPECT_EQ(from_file->control_endpoint, defaults->control_endpoint);
  EXPECT_EQ(from_file->max_request_bytes, defaults->max_request_bytes);
  EXPECT_EQ(from_file->bus_high_water_mark, defaults->bus_high_water_mark);
  EXPECT_EQ(from_file->log_level, defaults->log_level);
  EXPECT_EQ(from_file->initial_map_bytes, defaults->initial_map_bytes);
}

// The service's config puts lock files and sockets in systemd's RuntimeDirectory.
TEST(ConfigTest, RunDirFromTheFileMovesTheLockAndSockets) {
  auto c = apply_toml(default_config(),
                      "data_dir = \"/var/lib/distsync\"\nrun_dir = \"/run/distsync/\"\n",
                      "distsync.toml");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  c->console_id = "east";
  auto f = finalize_config(*c);
  ASSERT_TRUE(f.ok()) << f.status().to_string();
  EXPECT_EQ(f->run_dir, "/run/distsync");
  EXPECT_EQ(f->log_dir, "/var/lib/distsync/log");
  EXPECT_EQ(f->control_endpoint, "ipc:///run/distsync/east.control");
  EXPECT_EQ(f->bus_endpoint, "ipc:///run/distsync/east.bus");
  EXPECT_FALSE(apply_toml(default_config(), "run_dir = 5\n", "distsync.toml").ok());
}

}  // namespace
}  // namespace distsync
