// File Status Report (R10): for each selected server, which downloaded patches (the console's
// patch download directory, not engines or definition files) are missing, out of date or up
// to date there.
//
// make_file_status_report is pure: it folds a patch manifest and one diff per server into
// rows. build_file_status_report is the shell that lists the console, and each server's patch
// folder through its Target (server_target.h), the seam every server access of a sync takes.
// Renderings: JSON and CSV (RFC 4180 quoting). Value types; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "daemon/content/diff.h"
#include "daemon/content/manifest.h"
#include "daemon/sync/component_layout.h"
#include "daemon/sync/server_target.h"
#include "events/server_events.h"

namespace distsync {

struct PatchStatusRow {
  std::string server;
  std::string patch;   // relative to the patch directory
  std::string status;  // "missing", "out_of_date", "up_to_date", "corrupt"
  std::uint64_t size = 0;
  bool operator==(const PatchStatusRow&) const = default;
};

struct ServerReportSummary {
  std::string server;
  std::uint64_t missing = 0, out_of_date = 0, up_to_date = 0;
  std::uint64_t corrupt = 0;  // up to date by size and mtime, but the last validation's hash differed
  std::string error;  // why the server could not be listed; empty when it was
};

struct FileStatusReport {
  std::vector<PatchStatusRow> rows;  // by server, then patch
  std::vector<ServerReportSummary> servers;
};

struct ServerDiff {
  std::string server;
  Result<TargetDiff> diff;
};

FileStatusReport make_file_status_report(const Manifest& patches,
                                         const std::vector<ServerDiff>& diffs);

// Lists the console's patch directory (hash cache under cache_dir when given) and each server's
// patch folder through the server's Target (`make_target`; empty = LocalTarget). An unreadable
// console folder is an error; an unreachable server is reported in its summary.
Result<FileStatusReport> build_file_status_report(const ConsoleLayout& layout,
                                                  const std::vector<ServerSpec>& servers,
                                                  const std::string& cache_dir,
                                                  const TargetFactory& make_target = {});

// A patch that is up to date by size and mtime but that the server's last validation found
// with another hash (and no copy has replaced since) becomes "corrupt". `corrupt` holds, per
// server, paths relative to the server root; `patch_dir` maps a server to its patch folder.
void mark_corrupt(FileStatusReport* report,
                  const std::map<std::string, std::set<std::string>>& corrupt,
                  const std::map<std::string, std::string>& patch_dir);

nlohmann::json report_json(const FileStatusReport& report);
// "server,patch,status,size\r\n" then one line per row.
std::string report_csv(const FileStatusReport& report);

}  // namespace distsync
