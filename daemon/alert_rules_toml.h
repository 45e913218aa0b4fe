// Internal to distsync_daemon_core (config.cpp): reads the `alerts` key of the config file,
// an array of tables ([[alerts]]), into AlertRules. Not a public header: it includes toml++.
#pragma once

#include <string_view>
#include <toml++/toml.h>
#include <vector>

#include "daemon/alert_rules.h"

namespace distsync {

// Every rule checked (check_alert_rule) and names unique; invalid_argument naming the file,
// the rule and the key otherwise.
Status parse_alert_rules(const toml::node& node, std::string_view file_name,
                         std::vector<AlertRule>* out);

}  // namespace distsync
