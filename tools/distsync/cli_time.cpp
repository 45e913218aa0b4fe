#include "tools/distsync/cli_time.h"

#include <chrono>

#include "daemon/history/as_of.h"
#include "projections/calendar/iso_time.h"
#include "tools/distsync/cli_context.h"

namespace distsync {

std::int64_t cli_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string cli_zone(const CliContext& ctx) {
  auto config = ctx.config();
  if (config.ok() && !config->time_zone.empty()) return config->time_zone;
  return "UTC";
}

Result<std::int64_t> parse_cli_time(const std::string& text, const std::string& zone) {
  return parse_time_arg(text, cli_now_us(), zone);
}

std::string format_local_minute(std::int64_t utc_us, const std::string& zone) {
  auto local = format_local_iso(utc_us, zone);
  std::string iso = local.ok() ? *local : format_utc_iso(utc_us);
  // "2026-11-10T03:00:00+01:00" -> "2026-11-10 03:00"
  if (iso.size() >= 16) {
    iso = iso.substr(0, 16);
    iso[10] = ' ';
  }
  return iso;
}

std::string local_today(const std::string& zone) {
  return format_local_minute(cli_now_us(), zone).substr(0, 10);
}

Result<std::string> as_of_arg(const std::string& text, const std::string& zone) {
  std::string digits = text.starts_with("#") ? text.substr(1) : text;
  if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos) return text;
  auto t = parse_cli_time(text, zone);
  if (!t.ok()) return t.status();
  return format_utc_iso(*t);
}

}  // namespace distsync
