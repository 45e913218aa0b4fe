#include "daemon/sync/file_status_report.h"

#include <algorithm>

#include "daemon/content/durable_file.h"
#include "daemon/content/safe_path.h"
#include "daemon/sync/status_context.h"

namespace distsync {
namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

FileStatusReport make_file_status_report(const Manifest& patches,
                                         const std::vector<ServerDiff>& diffs) {
  FileStatusReport report;
  for (const auto& d : diffs) {
    ServerReportSummary sum;
    sum.server = d.server;
    if (!d.diff.ok()) {
      sum.error = d.diff.status().message();
      report.servers.push_back(std::move(sum));
      continue;
    }
    std::vector<PatchStatusRow> rows;
    auto add = [&](const std::vector<std::string>& paths, const char* status,
                   std::uint64_t* count) {
      for (const auto& p : paths) {
        const FileEntry* e = patches.find(p);
        rows.push_back({d.server, p, status, e ? e->size : 0});
        ++*count;
      }
    };
    add(d.diff->missing, "missing", &sum.missing);
    add(d.diff->out_of_date, "out_of_date", &sum.out_of_date);
    add(d.diff->up_to_date, "up_to_date", &sum.up_to_date);
    std::sort(rows.begin(), rows.end(),
              [](const PatchStatusRow& a, const PatchStatusRow& b) { return a.patch < b.patch; });
    report.rows.insert(report.rows.end(), rows.begin(), rows.end());
    report.servers.push_back(std::move(sum));
  }
  return report;
}

Result<FileStatusReport> build_file_status_report(const ConsoleLayout& layout,
                                                  const std::vector<ServerSpec>& servers,
                                                  const std::string& cache_dir,
                                                  const TargetFactory& make_target) {
  ManifestOptions mo;
  mo.hash = false;  // size and mtime decide, as for a sync without verify
  if (!cache_dir.empty() && make_dirs_durable(cache_dir).is_ok()) {
    mo.cache_path = join_path(cache_dir, "patches.hash-cache");
  }
  Result<Manifest> patches = build_manifest(layout.patches_dir, mo);
  if (!patches.ok()) {
    return with_context(patches.status(), "cannot read the patch download directory: ");
  }
  std::vector<ServerDiff> diffs;
  for (const auto& server : servers) {
    Result<std::vector<ComponentRoot>> roots = resolve_components(layout, server, "patches");
    if (!roots.ok()) {
      diffs.push_back({server.name, roots.status()});
      continue;
    }
    // Size and mtime decide (no verify), so the listing alone gives the diff.
    std::shared_ptr<Target> target = open_server_target(make_target, server);
    Result<Manifest> listed = target->list(roots->front().target_dir, nullptr);
    if (!listed.ok()) {
      diffs.push_back({server.name, with_context(listed.status(), "cannot list " +
                                                                      target->describe() + ": ")});
      continue;
    }
    DiffOptions d;
    d.mtime_tolerance_ns = target->mtime_granularity_ns();
    diffs.push_back({server.name, diff_manifests(*patches, *listed, d)});
  }
  return make_file_status_report(*patches, diffs);
}

void mark_corrupt(FileStatusReport* report,
                  const std::map<std::string, std::set<std::string>>& corrupt,
                  const std::map<std::string, std::string>& patch_dir) {
  std::map<std::string, std::uint64_t> marked;
  for (PatchStatusRow& row : report->rows) {
    auto c = corrupt.find(row.server);
    auto d = patch_dir.find(row.server);
    if (row.status != "up_to_date" || c == corrupt.end() || d == patch_dir.end()) continue;
    if (c->second.count(d->second + "/" + row.patch) == 0) continue;
    row.status = "corrupt";
    ++marked[row.server];
  }
  for (ServerReportSummary& s : report->servers) {
    s.corrupt = marked[s.server];
    s.up_to_date -= s.corrupt;
  }
}

nlohmann::json report_json(const FileStatusReport& report) {
  // What a sync would still copy to each server: its missing, out-of-date and corrupt files.
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> pending;  // files, bytes
  for (const auto& r : report.rows) {
    if (r.status == "up_to_date") continue;
    auto& [files, bytes] = pending[r.server];
    ++files;
    bytes += r.size;
  }
  nlohmann::json servers = nlohmann::json::array();
  for (const auto& s : report.servers) {
    const auto& [files, bytes] = pending[s.server];
    nlohmann::json j = {{"server", s.server},
                        {"missing", s.missing},
                        {"out_of_date", s.out_of_date},
                        {"up_to_date", s.up_to_date},
                        {"corrupt", s.corrupt},
                        {"pending_files", files},
                        {"pending_bytes", bytes}};
    if (!s.error.empty()) j["error"] = s.error;
    servers.push_back(j);
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : report.rows) {
    rows.push_back(
        {{"server", r.server}, {"patch", r.patch}, {"status", r.status}, {"size", r.size}});
  }
  return {{"servers", servers}, {"patches", rows}};
}

std::string report_csv(const FileStatusReport& report) {
  std::string out = "server,patch,status,size\r\n";
  for (const auto& r : report.rows) {
    out += csv_field(r.server) + "," + csv_field(r.patch) + "," + r.status + "," +
           std::to_string(r.size) + "\r\n";
  }
  return out;
}

}  // namespace distsync
