// The Event history pane's CSV export: the events of history.query replies, one row each.
//
//   seq,time_utc,console,type,correlation,server,payload
//
// Every field is quoted (RFC 4180, "" for a quote). A text field that a spreadsheet would
// run as a formula (it starts with = + - @ or a tab) gets a leading apostrophe. `payload` is
// the event's payload JSON. Pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace distsync {

std::string history_csv_header();

// The rows of one history.query reply ({"events": [...], "servers": {...}}).
std::string history_csv_rows(const nlohmann::json& page);

std::string csv_field(const std::string& text);

}  // namespace distsync
