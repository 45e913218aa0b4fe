// CliContext: what every `distsync` command shares: the global options, the config they
// resolve to, a control-client factory, and the output helpers (JSON lines or tables, one-line
// errors on stderr).
//
// Each command group lives in its own file and adds its subcommands with a register_*()
// function; its callback stores the process exit code in exit_code (0 success, 1 failure;
// usage errors are 2 and handled by main). Not thread-safe.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config.h"
#include "events/event.h"
#include "events/result.h"
#include "tools/client/control_client.h"

namespace distsync {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct GlobalOptions {
  ConfigFlags flags;  // --config, --data-dir, --console
  std::optional<std::string> endpoint;
  // For a tcp:// endpoint (a remote console): this client's key file and the console's key.
  std::optional<std::string> key_file;
  std::optional<std::string> console_key;
  bool json = false;
  double timeout_s = 5.0;
};

class CliContext {
 public:
  CliContext(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  // Adds --config, --data-dir, --console, --endpoint, --key, --console-key, --json and
  // --timeout to `app`.
  void add_global_options(CLI::App& app);

  Result<DaemonConfig> config() const;
  // The connection every request of this command uses, made on first use to the resolved
  // control endpoint. Commands talk to the daemon through request(); this is for what
  // needs the client itself (an EventStream that reads the gaps of the bus).
  Result<ControlClient*> client();
  // True when the commands talk to a console over tcp:// (so they cannot read its data dir).
  bool remote();

  bool json() const { return options_.json; }
  std::chrono::milliseconds timeout() const;
  std::ostream& out() { return out_; }

  // Sends one request and returns its result (an error reply as its Status). Every command
  // reaches the daemon through one of these two.
  Result<nlohmann::json> request(const std::string& op,
                                 const nlohmann::json& args = nlohmann::json::object());
  // Sends one request; prints the reply as a JSON line with --json, else through `print`.
  // Returns the exit code.
  int request(const std::string& op, const nlohmann::json& args,
              const std::function<void(const nlohmann::json&)>& print);

  // Prints "distsync: <message>" on stderr, control characters escaped
  // (printable() of daemon/content/normal_path.h);
  // returns kExitFailure.
  int fail(const Status& status);
  void print_json_line(const nlohmann::json& value);
  // Left-aligned columns, two spaces apart; cells go through printable().
  void print_table(const std::vector<std::vector<std::string>>& rows);
  // "seq time console type correlation" for humans; the codec's JSON line with --json.
  void print_event(const Event& e);

  int exit_code = kExitOk;

 private:
  GlobalOptions options_;
  std::unique_ptr<ControlClient> client_;
  std::ostream& out_;
  std::ostream& err_;
};

// "2026-03-01T12:00:00.123456Z"
std::string format_time_us(std::int64_t time_us);

// Command groups.
void register_status_command(CLI::App& app, CliContext& ctx);
void register_events_commands(CLI::App& app, CliContext& ctx);
void register_server_commands(CLI::App& app, CliContext& ctx);
void register_credential_commands(CLI::App& app, CliContext& ctx);
void register_schedule_commands(CLI::App& app, CliContext& ctx);
void register_history_command(CLI::App& app, CliContext& ctx);
void register_history_ack_command(CLI::App& history, CliContext& ctx);  // `history ack`
void register_audit_commands(CLI::App& app, CliContext& ctx);
void register_download_commands(CLI::App& app, CliContext& ctx);
void register_sync_commands(CLI::App& app, CliContext& ctx);
void register_report_command(CLI::App& app, CliContext& ctx);
void register_group_commands(CLI::App& app, CliContext& ctx);
void register_validate_command(CLI::App& app, CliContext& ctx);
void register_agent_commands(CLI::App& app, CliContext& ctx);
void register_keygen_command(CLI::App& app, CliContext& ctx);
void register_alerts_commands(CLI::App& app, CliContext& ctx);

}  // namespace distsync
