// The config file of an installed distsync, found from where the running client is installed,
// so that `distsync status` on a host with the package reaches the service's console without
// `--config /etc/distsync/distsync.toml`.
//
// An executable installed as PREFIX/bin/NAME reads PREFIX/etc/distsync/distsync.toml, or
// /etc/distsync/distsync.toml for the prefix /usr: the same place the install puts the file
// (packaging/install_system_files.cmake). A binary anywhere else (a build tree) has none, so a
// developer's build and the test suite never pick up a config installed on the machine.
//
// The clients (distsync, distsync-admin, distsync-web) use it as the last choice for the TOML
// layer (docs/configuration.md): --config, else $DISTSYNC_CONFIG, else the installed file when
// it exists, and only when neither --config nor --data-dir is given (a --data-dir names a
// console of its own, whose sockets are under that dir, not the service's). The daemon does
// not: the service names its config in the unit.
// Pure functions except installed_config_file(), which reads /proc/self/exe and stats the file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "daemon/config.h"

namespace distsync {

// PREFIX/etc/distsync/distsync.toml (or /etc/... for /usr) when `executable` is an absolute
// PREFIX/bin/NAME; nullopt otherwise. No file access.
std::optional<std::string> installed_config_path_for(std::string_view executable);

// The path above for this process, when that file exists.
std::optional<std::string> installed_config_file();

// The file load_config() should read when flags.config_file is unset: `env` ($DISTSYNC_CONFIG)
// when non-empty, else `installed` unless flags name a data dir, else "" (none).
std::string client_config_file(const ConfigFlags& flags, std::string_view env,
                               const std::optional<std::string>& installed);

// load_config() with the choice above, from this process's environment and installation.
Result<DaemonConfig> load_client_config(const ConfigFlags& flags);

}  // namespace distsync
