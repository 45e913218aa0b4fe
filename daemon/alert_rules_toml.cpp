#include "daemon/alert_rules_toml.h"

#include <algorithm>
#include <set>

namespace distsync {
namespace {

Status bad(std::string_view file, std::size_t index, std::string_view why) {
  return Status::invalid_argument("config " + std::string(file) + ": alerts[" +
                                  std::to_string(index) + "]: " + std::string(why));
}

Status read_strings(const toml::node& node, std::vector<std::string>* out) {
  const toml::array* a = node.as_array();
  if (a == nullptr) return Status::invalid_argument("must be an array of strings");
  for (const toml::node& e : *a) {
    auto v = e.value<std::string>();
    if (!e.is_string() || !v) return Status::invalid_argument("must be an array of strings");
    out->push_back(*v);
  }
  return Status::ok();
}

}  // namespace

Status parse_alert_rules(const toml::node& node, std::string_view file_name,
                         std::vector<AlertRule>* out) {
  const toml::array* rules = node.as_array();
  if (rules == nullptr) {
    return Status::invalid_argument("config " + std::string(file_name) +
                                    ": key 'alerts' must be an array of tables ([[alerts]])");
  }
  std::set<std::string> names;
  std::size_t index = 0;
  for (const toml::node& item : *rules) {
    const toml::table* t = item.as_table();
    if (t == nullptr) return bad(file_name, index, "must be a table");
    AlertRule r;
    for (const auto& entry : *t) {
      const std::string key(entry.first.str());
      const toml::node& v = entry.second;
      Status s;
      auto want_string = [&](std::string* into) {
        auto str = v.value<std::string>();
        if (!v.is_string() || !str) return Status::invalid_argument("must be a string");
        *into = *str;
        return Status::ok();
      };
      auto want_int = [&](std::int64_t* into) {
        if (!v.is_integer()) return Status::invalid_argument("must be an integer");
        *into = *v.value<std::int64_t>();
        return Status::ok();
      };
      std::int64_t n = 0;
      if (key == "name") {
        s = want_string(&r.name);
      } else if (key == "events") {
        s = read_strings(v, &r.events);
      } else if (key == "webhook") {
        s = want_string(&r.webhook);
      } else if (key == "headers_file") {
        s = want_string(&r.headers_file);
      } else if (key == "command") {
        s = read_strings(v, &r.command);
        if (s.is_ok() && r.command.empty()) s = Status::invalid_argument("must not be empty");
      } else if (key == "timeout_ms") {
        s = want_int(&r.timeout_ms);
      } else if (key == "max_attempts") {
        s = want_int(&n);
        r.max_attempts = static_cast<int>(std::clamp<std::int64_t>(n, -1, 1000));
      } else if (key == "backoff_ms") {
        s = want_int(&r.backoff_ms);
      } else {
        return bad(file_name, index, "unknown key '" + key + "' (see docs/alerts.md)");
      }
      if (!s.is_ok()) return bad(file_name, index, "key '" + key + "' " + s.message());
    }
    if (Status s = check_alert_rule(r); !s.is_ok()) return bad(file_name, index, s.message());
    if (!names.insert(r.name).second) {
      return bad(file_name, index, "a second rule named '" + r.name + "'");
    }
    out->push_back(std::move(r));
    ++index;
  }
  return Status::ok();
}

}  // namespace distsync
