#include "daemon/config.h"

#include <unistd.h>

#include <toml++/toml.h>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "daemon/alert_rules_toml.h"
#include "daemon/endpoint_policy.h"

namespace distsync {
namespace {

bool valid_console_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || id.front() == '.') return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool valid_log_level(std::string_view level) {
  for (std::string_view l : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    if (level == l) return true;
  }
  return false;
}

// tcp:// is recognized here; check_endpoint_authentication() decides whether it may be used
// (with CURVE keys) or says why not.
bool valid_endpoint(std::string_view ep) {
  for (std::string_view scheme : {"ipc://", "tcp://", "inproc://"}) {
    if (ep.substr(0, scheme.size()) == scheme && ep.size() > scheme.size()) return true;
  }
  return false;
}

std::string hostname() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "console";
  std::string name(buf);
  // A fully qualified name keeps only its first label: ids become file names.
  return name.substr(0, name.find('.'));
}

// `s` with "config FILE: " in front, when it is an error.
Status in_file(std::string_view file, Status s) {
  if (s.is_ok()) return s;
  return Status::invalid_argument("config " + std::string(file) + ": " + s.message());
}

Status bad_value(std::string_view key, std::string_view file, std::string_view why) {
  return Status::invalid_argument("config " + std::string(file) + ": key '" + std::string(key) +
                                  "' " + std::string(why));
}

// The system's IANA zone name: $TZ, /etc/timezone, or the /etc/localtime link; else UTC.
std::string system_time_zone() {
  if (const char* tz = std::getenv("TZ"); tz && *tz && *tz != ':' && *tz != '/') return tz;
  std::ifstream in("/etc/timezone");
  std::string name;
  if (in >> name && !name.empty()) return name;
  std::error_code ec;
  auto target = std::filesystem::read_symlink("/etc/localtime", ec).string();
  auto pos = target.find("zoneinfo/");
  if (!ec && pos != std::string::npos) return target.substr(pos + 9);
  return "UTC";
}

// toml++ limits nested arrays and inline tables (256) but not dotted keys and table headers:
// "a.a.a…" 100,000 levels deep becomes 100,000 nested tables, whose destructor recurses past
// the end of the stack. A key path lies on one line, so at most kMaxTomlKeyDots dots per line
// outside strings and comments bounds every path. A float has one dot; no valid config line
// comes near the limit.
constexpr int kMaxTomlKeyDots = 64;

Status check_toml_depth(std::string_view text, std::string_view file_name) {
  std::size_t line = 1;
  int dots = 0;
  char quote = 0;          // '"' or '\'' inside a string, else 0
  bool multiline = false;  // inside """…""" or '''…'''
  auto triple = [&](std::size_t i, char q) {
    return i + 2 < text.size() && text[i + 1] == q && text[i + 2] == q;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      dots = 0;
      if (!multiline) quote = 0;  // a single-line string cannot span lines
      continue;
    }
    if (quote != 0) {
      if (c == '\\' && quote == '"') {
        if (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      } else if (c == quote && (!multiline || triple(i, quote))) {
        if (multiline) {
          i += 2;
          // Up to two more quotes belong to the content: """a""""" ends after five.
          for (int k = 0; k < 2 && i + 1 < text.size() && text[i + 1] == quote; ++k) ++i;
        }
        quote = 0;
        multiline = false;
      }
      continue;
    }
    if (c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      quote = c;
      multiline = triple(i, c);
      if (multiline) i += 2;
    } else if (c == '.' && ++dots > kMaxTomlKeyDots) {
      return Status::invalid_argument("config " + std::string(file_name) + ":" +
                                      std::to_string(line) + ": key nested deeper than " +
                                      std::to_string(kMaxTomlKeyDots) + " levels");
    }
  }
  return Status::ok();
}

}  // namespace

DaemonConfig default_config() {
  DaemonConfig c;
  c.data_dir = "./var";
  return c;
}

Result<DaemonConfig> apply_toml(const DaemonConfig& base, std::string_view toml_text,
                                std::string_view file_name) {
  if (Status s = check_toml_depth(toml_text, file_name); !s.is_ok()) return s;
  toml::table table;
  try {
    table = toml::parse(toml_text, file_name);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return Status::invalid_argument("config " + std::string(file_name) + ":" +
                                    std::to_string(where.line) + ": " +
                                    std::string(e.description()));
  }
  DaemonConfig c = base;
  for (const auto& entry : table) {
    // Not a structured binding: the lambdas below capture `node`, which clang 14 refuses.
    const toml::node& node = entry.second;
    std::string key(entry.first.str());
    auto want_string = [&](std::string* out) -> Status {
      auto v = node.value<std::string>();
      if (!node.is_string() || !v) return bad_value(key, file_name, "must be a string");
      *out = *v;
      return Status::ok();
    };
    auto want_positive = [&](std::int64_t max, std::int64_t* out) -> Status {
      if (!node.is_integer()) return bad_value(key, file_name, "must be an integer");
      std::int64_t v = *node.value<std::int64_t>();
      if (v <= 0 || v > max) {
        return bad_value(
            key, file_name,
            "must be between 1 and " + std::to_string(max) + ", got " + std::to_string(v));
      }
      *out = v;
      return Status::ok();
    };
    Status s;
    std::int64_t n = 0;
    if (key == "console_id") {
      s = want_string(&c.console_id);
      if (s.is_ok() && !valid_console_id(c.console_id)) {
        s = bad_value(key, file_name, "must be 1-64 of [A-Za-z0-9._-], not starting with '.'");
      }
    } else if (key == "data_dir") {
      s = want_string(&c.data_dir);
      if (s.is_ok() && c.data_dir.empty()) s = bad_value(key, file_name, "must not be empty");
    } else if (key == "control_endpoint" || key == "bus_endpoint") {
      bool control = key == "control_endpoint";
      std::string* out = control ? &c.control_endpoint : &c.bus_endpoint;
      s = want_string(out);
      if (s.is_ok() && !valid_endpoint(*out)) {
        s = bad_value(key, file_name, "must be an ipc://, inproc:// or tcp:// endpoint");
      }
      (void)control;  // tcp needs control_clients_file, which may come later: checked below
    } else if (key == "control_clients_file") {
      s = want_string(&c.control_clients_file);
      if (s.is_ok() && c.control_clients_file.empty()) {
        s = bad_value(key, file_name, "must not be empty");
      }
    } else if (key == "log_level") {
      s = want_string(&c.log_level);
      if (s.is_ok() && !valid_log_level(c.log_level)) {
        s = bad_value(key, file_name,
                      "must be one of trace, debug, info, warn, error, critical, off");
      }
    } else if (key == "max_request_bytes") {
      s = want_positive(std::int64_t{256} << 20, &n);
      c.max_request_bytes = static_cast<std::size_t>(n);
    } else if (key == "bus_high_water_mark") {
      s = want_positive(INT_MAX, &n);
      c.bus_high_water_mark = static_cast<int>(n);
    } else if (key == "initial_map_bytes") {
      s = want_positive(std::int64_t{1} << 40, &n);
      c.initial_map_bytes = static_cast<std::size_t>(n);
    } else if (key == "patches_dir" || key == "datafiles_dir" || key == "cache_dir" ||
               key == "time_zone" || key == "refresh_source" || key == "patches_source" ||
               key == "run_dir") {
      std::string* out = key == "run_dir"          ? &c.run_dir
                         : key == "patches_dir"    ? &c.patches_dir
                         : key == "datafiles_dir"  ? &c.datafiles_dir
                         : key == "cache_dir"      ? &c.cache_dir
                         : key == "time_zone"      ? &c.time_zone
                         : key == "refresh_source" ? &c.refresh_source
                                                   : &c.patches_source;
      s = want_string(out);
    } else if (key == "catch_up_grace_s") {
      s = want_positive(std::int64_t{366} * 86400, &n);
      c.catch_up_grace_s = n;
    } else if (key == "copy_workers" || key == "max_concurrent_copies") {
      s = want_positive(1024, &n);
      (key == "copy_workers" ? c.copy_workers : c.max_concurrent_copies) = static_cast<int>(n);
    } else if (key == "copy_batch_files") {
      s = want_positive(65536, &n);
      c.copy_batch_files = static_cast<int>(n);
    } else if (key == "prune_guard_percent") {
      s = want_positive(100, &n);
      c.prune_guard_percent = static_cast<int>(n);
    } else if (key == "prune_guard_files") {
      s = want_positive(std::int64_t{1} << 40, &n);
      c.prune_guard_files = n;
    } else if (key == "agent_lost_timeout_ms") {
      s = want_positive(std::int64_t{86400} * 1000, &n);
      c.agent_lost_timeout_ms = n;
    } else if (key == "smb_timeout_ms") {
      s = want_positive(std::int64_t{3600} * 1000, &n);
      c.smb_timeout_ms = n;
    } else if (key == "copy_endpoint") {
      s = want_string(&c.copy_endpoint);
      if (s.is_ok() && !valid_endpoint(c.copy_endpoint)) {
        s = bad_value(key, file_name, "must be an ipc:// endpoint");
      }
      if (s.is_ok()) s = in_file(file_name, check_endpoint_authentication("copy", c.copy_endpoint));
    } else if (key == "agent_endpoint") {
      s = want_string(&c.agent_endpoint);
      if (s.is_ok() && (c.agent_endpoint.rfind("tcp://", 0) != 0 || c.agent_endpoint.size() <= 6)) {
        s = bad_value(key, file_name,
                      "must be a tcp:// endpoint (agents connect over CURVE), e.g. "
                      "tcp://0.0.0.0:7720");
      }
    } else if (key == "alerts") {
      c.alerts.clear();
      s = parse_alert_rules(node, file_name, &c.alerts);
    } else {
      s = Status::invalid_argument("config " + std::string(file_name) + ": unknown key '" + key +
                                   "' (see docs/configuration.md)");
    }
    if (!s.is_ok()) return s;
  }
  for (auto [role, ep] : {std::pair{"control", &c.control_endpoint}, {"bus", &c.bus_endpoint}}) {
    Status s = check_endpoint_authentication(role, *ep, c.control_clients_file);
    if (!s.is_ok()) return in_file(file_name, s);
  }
  return c;
}

Result<DaemonConfig> finalize_config(DaemonConfig c) {
  c.console_id_defaulted = c.console_id.empty();
  if (c.console_id.empty()) c.console_id = hostname();
  if (!valid_console_id(c.console_id)) {
    return Status::invalid_argument("console id '" + c.console_id +
                                    "' must be 1-64 of [A-Za-z0-9._-], not starting with '.'");
  }
  if (!valid_log_level(c.log_level)) {
    return Status::invalid_argument(
        "log level '" + c.log_level +
        "' must be one of trace, debug, info, warn, error, critical, off");
  }
  if (c.data_dir.empty()) return Status::invalid_argument("data dir must not be empty");
  std::error_code ec;
  auto abs = std::filesystem::absolute(c.data_dir, ec);
  if (ec) return Status::invalid_argument("data dir '" + c.data_dir + "': " + ec.message());
  c.data_dir = abs.lexically_normal().string();
  if (c.data_dir.size() > 1 && c.data_dir.back() == '/') c.data_dir.pop_back();
  c.log_dir = c.data_dir + "/log";
  auto absolute = [&](std::string* dir, const char* fallback) {
    if (dir->empty()) *dir = c.data_dir + fallback;
    else *dir = std::filesystem::absolute(*dir, ec).lexically_normal().string();
  };
  absolute(&c.run_dir, "/run");  // a service puts it in its RuntimeDirectory (/run/distsync)
  if (c.run_dir.size() > 1 && c.run_dir.back() == '/') c.run_dir.pop_back();
  absolute(&c.patches_dir, "/console/Patches");
  absolute(&c.datafiles_dir, "/console/DataFiles");
  absolute(&c.cache_dir, "/cache");
  absolute(&c.keys_dir, "/keys");
  if (c.time_zone.empty()) c.time_zone = system_time_zone();
  c.control_endpoint_defaulted = c.control_endpoint.empty();
  if (c.control_endpoint.empty()) {
    c.control_endpoint = "ipc://" + c.run_dir + "/" + c.console_id + ".control";
  }
  if (c.bus_endpoint.empty()) c.bus_endpoint = "ipc://" + c.run_dir + "/" + c.console_id + ".bus";
  // Flags reach here without apply_toml's checks; the file's values are checked again.
  const std::pair<const char*, const std::string*> endpoints[] = {
      {"control", &c.control_endpoint}, {"bus", &c.bus_endpoint}, {"copy", &c.copy_endpoint}};
  for (const auto& [role, ep] : endpoints) {
    if (ep->empty()) continue;  // only copy_endpoint may be empty (no external workers)
    if (!valid_endpoint(*ep)) {
      return Status::invalid_argument(std::string(role) + " endpoint '" + *ep +
                                      "' must be an ipc://, inproc:// or tcp:// endpoint");
    }
    if (Status s = check_endpoint_authentication(role, *ep, c.control_clients_file); !s.is_ok())
      return s;
    // sockaddr_un holds 107 path bytes; zmq would fail later with a vaguer message.
    if (ep->rfind("ipc://", 0) == 0 && ep->size() - 6 > 107) {
      return Status::invalid_argument("ipc socket path '" + ep->substr(6) +
                                      "' is longer than 107 bytes; use a shorter data dir");
    }
  }
  return c;
}

Result<DaemonConfig> load_config(const ConfigFlags& flags, std::string_view env_config_file) {
  DaemonConfig c = default_config();
  std::string file = flags.config_file ? *flags.config_file : std::string(env_config_file);
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) return Status::invalid_argument("config file " + file + " cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    auto layered = apply_toml(c, text.str(), file);
    if (!layered.ok()) return layered.status();
    c = std::move(layered).value();
    c.config_file = file;
  }
  if (flags.data_dir) c.data_dir = *flags.data_dir;
  if (flags.console_id) c.console_id = *flags.console_id;
  if (flags.control_endpoint) c.control_endpoint = *flags.control_endpoint;
  if (flags.bus_endpoint) c.bus_endpoint = *flags.bus_endpoint;
  if (flags.log_level) c.log_level = *flags.log_level;
  return finalize_config(std::move(c));
}

Result<DaemonConfig> load_config(const ConfigFlags& flags) {
  const char* env = std::getenv("DISTSYNC_CONFIG");
  return load_config(flags, env ? env : "");
}

}  // namespace distsync
