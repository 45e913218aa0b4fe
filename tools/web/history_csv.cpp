#include "tools/web/history_csv.h"

#include <ctime>

namespace distsync {
namespace {

std::string utc_time(std::int64_t time_us) {
  std::time_t secs = static_cast<std::time_t>(time_us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string csv_field(const std::string& value) {
  std::string v = value;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t')) {
    v.insert(v.begin(), '\'');
  }
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string history_csv_header() {
  return "seq,time_utc,console,type,correlation,server,payload\r\n";
}

std::string history_csv_rows(const nlohmann::json& page) {
  std::string out;
  const nlohmann::json servers = page.value("servers", nlohmann::json::object());
  for (const nlohmann::json& e : page.value("events", nlohmann::json::array())) {
    const std::string correlation = text(e, "correlation");
    std::string server;
    const nlohmann::json payload = e.value("payload", nlohmann::json::object());
    if (payload.is_object()) server = text(payload, "server");
    if (server.empty() && servers.is_object() && servers.contains(correlation) &&
        servers[correlation].is_string()) {
      server = servers[correlation].get<std::string>();
    }
    out += std::to_string(e.value("seq", std::uint64_t{0})) + ",";
    out += csv_field(utc_time(e.value("time_us", std::int64_t{0}))) + ",";
    out += csv_field(text(e, "console")) + ",";
    out += csv_field(text(e, "type")) + ",";
    out += csv_field(correlation) + ",";
    out += csv_field(server) + ",";
    out += csv_field(payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    out += "\r\n";
  }
  return out;
}

}  // namespace distsync
