#include "daemon/fetch/fetcher.h"

#include <filesystem>
#include <set>

#include "daemon/content/normal_path.h"
#include "daemon/fetch/directory_source.h"
#include "daemon/fetch/entry_fetcher.h"
#include "daemon/fetch/retry_policy.h"

namespace distsync {
namespace {

// Manifest paths come from outside: show control characters escaped in messages.
std::string shown_path(std::string_view path) {
  return path.empty() ? "(empty path)" : printable(path);
}

// Progress reports during a transfer are spaced at least this far apart.
constexpr std::uint64_t kProgressStep = 256u << 10;

}  // namespace

FetchReport fetch_manifest(Source& source, const SourceManifest& manifest,
                           const std::string& dest_dir, const FetchOptions& options) {
  FetchReport report;
  std::vector<const SourceEntry*> selected;
  for (const SourceEntry& e : manifest.files) {
    if (!entry_selected(options.only, e.path)) continue;
    selected.push_back(&e);
    report.bytes_total += e.size;
  }
  std::vector<std::string> symlinks;
  for (const std::string& link : manifest.symlinks) {
    if (entry_selected(options.only, link)) symlinks.push_back(skipped_symlink_message(link));
  }
  report.files_total = selected.size() + symlinks.size();

  FetchProgress progress{0, report.files_total, 0, report.bytes_total};
  auto notify = [&] {
    if (options.on_progress) options.on_progress(progress);
  };
  // A symlink is an entry the source will not serve: it counts as a failed file.
  for (std::string& failure : symlinks) {
    report.failures.push_back(std::move(failure));
    ++progress.files_done;
  }
  notify();
  std::set<std::string> seen;
  for (const SourceEntry* e : selected) {
    if (is_cancelled(options)) {
      report.cancelled = true;
      break;
    }
    const std::uint64_t base = progress.bytes_done;
    std::uint64_t last_reported = 0;
    Result<EntryFetch> fetched = Status::invalid_argument("listed twice in the manifest");
    if (seen.insert(e->path).second) {
      fetched = fetch_entry(source, *e, dest_dir, options, [&](std::uint64_t entry_done) {
        if (entry_done - last_reported < kProgressStep && entry_done != e->size) return;
        last_reported = entry_done;
        progress.bytes_done = base + entry_done;
        notify();
      });
    }
    if (fetched.ok()) {
      if (fetched->skipped) ++report.files_skipped;
      if (!fetched->skipped) ++report.files_fetched;
      if (fetched->resumed) ++report.files_resumed;
      report.bytes_fetched += fetched->bytes_transferred;
    } else if (is_cancelled(options)) {
      report.cancelled = true;
      break;
    } else {
      report.failures.push_back(shown_path(e->path) + ": " + fetched.status().message());
    }
    // A failed entry counts as dealt with, so progress still ends at its totals.
    ++progress.files_done;
    progress.bytes_done = base + e->size;
    notify();
  }
  return report;
}

Result<FetchReport> fetch_all(const std::string& source, const std::string& dest_dir,
                              const FetchOptions& options) {
  Result<std::unique_ptr<Source>> opened = open_source(source, options);
  if (!opened.ok()) return opened.status();
  std::error_code ec;
  std::filesystem::create_directories(dest_dir, ec);
  if (ec) return Status::io_error("cannot create destination " + dest_dir + ": " + ec.message());
  if (!std::filesystem::is_directory(dest_dir, ec)) {
    return Status::io_error("destination " + dest_dir + " is not a directory");
  }
  Result<SourceManifest> manifest = (*opened)->load_manifest();
  if (!manifest.ok()) {
    if (is_cancelled(options)) {
      FetchReport report;
      report.cancelled = true;
      return report;
    }
    return manifest.status();
  }
  return fetch_manifest(**opened, *manifest, dest_dir, options);
}

}  // namespace distsync
