#include "daemon/cli/installed_config.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace distsync {

namespace fs = std::filesystem;

std::optional<std::string> installed_config_path_for(std::string_view executable) {
  fs::path exe = fs::path(executable).lexically_normal();
  if (!exe.is_absolute() || exe.parent_path().filename() != "bin") return std::nullopt;
  fs::path prefix = exe.parent_path().parent_path();
  fs::path etc = prefix == "/usr" ? fs::path("/etc") : prefix / "etc";
  return (etc / "distsync" / "distsync.toml").string();
}

std::optional<std::string> installed_config_file() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  auto path = installed_config_path_for(exe.string());
  if (!path || !fs::is_regular_file(*path, ec)) return std::nullopt;
  return path;
}

std::string client_config_file(const ConfigFlags& flags, std::string_view env,
                               const std::optional<std::string>& installed) {
  if (!env.empty()) return std::string(env);
  if (flags.data_dir || !installed) return "";
  return *installed;
}

Result<DaemonConfig> load_client_config(const ConfigFlags& flags) {
  if (flags.config_file) return load_config(flags, "");
  const char* env = std::getenv("DISTSYNC_CONFIG");
  return load_config(flags, client_config_file(flags, env ? env : "", installed_config_file()));
}

}  // namespace distsync
