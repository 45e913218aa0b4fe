// DaemonConfig: where a console keeps its log and sockets, and how the daemon behaves.
//
// Values come from three layers, later ones winning: embedded defaults, an optional TOML
// file, then command-line flags. The file is `--config FILE`, else $DISTSYNC_CONFIG, else
// none. Paths and endpoints that are not set explicitly derive from data_dir and console_id
// after all layers are merged, so the CLI and the daemon, given the same defaults and file,
// agree on every endpoint. Every key is documented in docs/configuration.md.
// Value types; the loader is thread-compatible (it reads the environment and the hostname).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/alert_rules.h"
#include "events/result.h"

namespace distsync {

struct DaemonConfig {
  std::string console_id;        // default: the hostname
  std::string data_dir;          // default "./var", made absolute
  std::string log_dir;           // data_dir + "/log": the LMDB environment
  std::string run_dir;           // default data_dir + "/run": lock files and ipc sockets
  std::string control_endpoint;  // default "ipc://<run_dir>/<console_id>.control"
  std::string bus_endpoint;      // default "ipc://<run_dir>/<console_id>.bus"
  std::size_t max_request_bytes = std::size_t{1} << 20;
  int bus_high_water_mark = 100000;
  std::string log_level = "info";
  std::size_t initial_map_bytes = std::size_t{64} << 20;
  std::string config_file;  // the file that was read; empty when none

  // The console's content (R1): the patch download directory and the data-files directory.
  std::string patches_dir;    // default data_dir + "/console/Patches"
  std::string datafiles_dir;  // default data_dir + "/console/DataFiles"
  std::string cache_dir;      // default data_dir + "/cache": manifest hash caches
  std::string time_zone;      // default zone of new schedules; default: the system's, else UTC
  std::int64_t catch_up_grace_s = 24 * 3600;  // missed schedules within this fire once
  std::string refresh_source;  // default download location of engines/definitions (R9)
  std::string patches_source;  // default download location of patches
  int copy_workers = 4;        // copy worker threads inside the daemon
  std::string copy_endpoint;   // where external distsync-worker processes connect; empty: none
  int max_concurrent_copies = 16;  // global cap over all servers
  int copy_batch_files = 2048;     // most files in one batch (one TASK, one barrier)
  // The prune guard: a prune of more than this share of a folder's files, or more files.
  int prune_guard_percent = 10;
  std::int64_t prune_guard_files = 1000;
  // Where distsync-agent processes connect (tcp://HOST:PORT, CURVE only); empty: no agents.
  std::string agent_endpoint;
  // An agent silent for longer than this is recorded lost (AgentLost), once per outage.
  std::int64_t agent_lost_timeout_ms = 30000;
  std::string keys_dir;  // default data_dir + "/keys": the console's CURVE key pair (0700)
  // Who may use a tcp:// control or bus endpoint: NAME ROLE PUBLIC_KEY lines
  // (daemon/security/client_allowlist.h). Without it a tcp:// control or bus is refused.
  std::string control_clients_file;
  std::vector<AlertRule> alerts;  // [[alerts]] tables (docs/alerts.md); none by default
  // SMB shares: how long connecting to a server, and each SMB request, may take.
  std::int64_t smb_timeout_ms = 15000;

  // True when finalize_config() chose the value (neither the file nor a flag set it). The
  // CLI uses these to decide whether to look for the one running console.
  bool console_id_defaulted = false;
  bool control_endpoint_defaulted = false;
};

// Values given on the command line; an empty optional means "not given".
struct ConfigFlags {
  std::optional<std::string> config_file;
  std::optional<std::string> data_dir;
  std::optional<std::string> console_id;
  std::optional<std::string> control_endpoint;
  std::optional<std::string> bus_endpoint;
  std::optional<std::string> log_level;
};

// The settings a TOML document sets, layered onto `base`. Pure: no file or environment access.
// Unknown keys and bad values are InvalidArgument naming the key and `file_name`.
Result<DaemonConfig> apply_toml(const DaemonConfig& base, std::string_view toml_text,
                                std::string_view file_name);

// Fills what is still unset from data_dir and console_id and validates the whole. Pure
// except that a relative data_dir is made absolute against the working directory.
Result<DaemonConfig> finalize_config(DaemonConfig config);

// Defaults (console_id = hostname), then the file (flags.config_file, else `env_config_file`
// when non-empty), then the flags, then finalize_config().
Result<DaemonConfig> load_config(const ConfigFlags& flags, std::string_view env_config_file);
// As above with $DISTSYNC_CONFIG.
Result<DaemonConfig> load_config(const ConfigFlags& flags);

// Embedded defaults; console_id is left empty (finalize_config() fills the hostname).
DaemonConfig default_config();

}  // namespace distsync
