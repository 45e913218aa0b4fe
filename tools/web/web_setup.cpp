#include "tools/web/web_setup.h"

#include <arpa/inet.h>

#include <filesystem>
#include <system_error>
#include <vector>

namespace distsync {

namespace fs = std::filesystem;

Result<std::string> find_assets_dir(const std::optional<std::string>& flag) {
  std::vector<fs::path> candidates;
  if (flag) {
    candidates.push_back(*flag);
  } else {
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
      candidates.push_back(exe.parent_path() / "assets");
      candidates.push_back(exe.parent_path() / ".." / "share" / "distsync" / "web");
    }
  }
  std::string looked;
  for (const fs::path& dir : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(dir / "index.html", ec)) return fs::canonical(dir, ec).string();
    looked += (looked.empty() ? "" : ", ") + dir.string();
  }
  return Status::not_found("no web assets (index.html) in " + looked + "; name the dir with --assets");
}

Status check_listen_host(const std::string& host, bool allow_remote) {
  in_addr v4{};
  in6_addr v6{};
  bool loopback = host == "localhost";
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    loopback = (ntohl(v4.s_addr) >> 24) == 127;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    loopback = IN6_IS_ADDR_LOOPBACK(&v6);
  } else if (!loopback) {
    return Status::invalid_argument("--listen '" + host + "' is not an IP address");
  }
  if (!loopback && !allow_remote) {
    return Status::invalid_argument("--listen " + host +
                                    " serves the console beyond this host; add --allow-remote "
                                    "to mean it (there is no login yet)");
  }
  return Status::ok();
}

}  // namespace distsync
