#include "tools/distsync/cli_context.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "daemon/cli/installed_config.h"
#include "daemon/content/normal_path.h"
#include "events/codec.h"
#include "daemon/security/curve_keys.h"
#include "tools/client/endpoint_resolver.h"

namespace distsync {

void CliContext::add_global_options(CLI::App& app) {
  app.add_option("--config", options_.flags.config_file,
                 "TOML config file (default: $DISTSYNC_CONFIG, else the installed one)");
  app.add_option("--data-dir", options_.flags.data_dir, "the daemon's data dir (default ./var)");
  app.add_option("--console", options_.flags.console_id,
                 "console id (default: the one running on the data dir)");
  app.add_option("--endpoint", options_.endpoint, "control endpoint, overriding the config");
  app.add_option("--key", options_.key_file,
                 "this client's CURVE key file, for a tcp:// endpoint (distsync-agent keygen)");
  app.add_option("--console-key", options_.console_key,
                 "the console's CURVE public key, for a tcp:// endpoint (distsync status)");
  app.add_flag("--json", options_.json, "print JSON lines instead of tables");
  app.add_option("--timeout", options_.timeout_s, "seconds to wait for each reply (default 5)")
      ->check(
          [](const std::string& v) -> std::string {
            char* end = nullptr;
            double d = std::strtod(v.c_str(), &end);
            if (end == v.c_str() || *end != '\0' || !(d > 0) || d > 86400) {
              return "must be a number of seconds above 0 and at most 86400";
            }
            return "";
          },
          "SECONDS");
}

Result<DaemonConfig> CliContext::config() const { return load_client_config(options_.flags); }

std::chrono::milliseconds CliContext::timeout() const {
  return std::chrono::milliseconds(static_cast<std::int64_t>(options_.timeout_s * 1000));
}

Result<ControlClient*> CliContext::client() {
  if (!client_) {
    auto config = this->config();
    if (!config.ok()) return config.status();
    auto endpoint = resolve_control_endpoint(*config, options_.endpoint);
    if (!endpoint.ok()) return endpoint.status();
    std::optional<CurveClientKeys> curve;
    if (options_.key_file || options_.console_key) {
      if (!options_.key_file || !options_.console_key) {
        return Status::invalid_argument("--key and --console-key go together");
      }
      auto pair = read_key_file(*options_.key_file);
      if (!pair.ok()) return pair.status();
      curve = CurveClientKeys{pair->public_key, pair->secret_key, *options_.console_key};
    }
    auto client = ControlClient::connect(*endpoint, timeout(), std::move(curve));
    if (!client.ok()) return client.status();
    client_ = std::move(client).value();
  }
  return client_.get();
}

bool CliContext::remote() {
  auto client = this->client();
  return client.ok() && (*client)->endpoint().rfind("tcp://", 0) == 0;
}

Result<nlohmann::json> CliContext::request(const std::string& op, const nlohmann::json& args) {
  auto client = this->client();
  if (!client.ok()) return client.status();
  return (*client)->call(op, args);
}

int CliContext::request(const std::string& op, const nlohmann::json& args,
                        const std::function<void(const nlohmann::json&)>& print) {
  auto reply = request(op, args);
  if (!reply.ok()) return fail(reply.status());
  if (json()) print_json_line(*reply);
  else print(*reply);
  return kExitOk;
}

int CliContext::fail(const Status& status) {
  err_ << "distsync: " << printable(status.message()) << "\n";
  return kExitFailure;
}

void CliContext::print_json_line(const nlohmann::json& value) {
  out_ << value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  out_.flush();
}

void CliContext::print_table(const std::vector<std::vector<std::string>>& raw) {
  // Cells carry server-supplied text (names, reasons, paths): no control character reaches
  // the terminal.
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : raw) {
    rows.emplace_back();
    for (const auto& cell : row) rows.back().push_back(printable(cell));
  }
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    if (width.size() < row.size()) width.resize(row.size());
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out_ << line << "\n";
  }
  out_.flush();
}

void CliContext::print_event(const Event& e) {
  if (options_.json) {
    out_ << to_json(e) << "\n";
  } else {
    out_ << e.seq << ' ' << format_time_us(e.time_us) << ' ' << e.console << ' ' << e.type() << ' '
         << (e.correlation.empty() ? "-" : e.correlation) << "\n";
  }
  out_.flush();
}

std::string format_time_us(std::int64_t time_us) {
  std::int64_t secs = time_us / 1000000;
  std::int64_t micros = time_us % 1000000;
  if (micros < 0) {
    micros += 1000000;
    --secs;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%06lldZ", static_cast<long long>(micros));
  return buf;
}

}  // namespace distsync
