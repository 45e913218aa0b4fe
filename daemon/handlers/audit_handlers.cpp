#include "daemon/handlers/audit_handlers.h"

#include <algorithm>
#include <optional>
#include <sstream>

#include "daemon/handlers/request_args.h"
#include "events/audit/export.h"
#include "events/hash.h"

namespace distsync {

using nlohmann::json;

void register_audit_handlers(RequestRouter& router, EventLog& log, std::string data_dir,
                             std::string console_id) {
  router.add("audit.export", [&log, data_dir, console_id](const json& args) -> Result<json> {
    auto format = optional_string(args, "format", "jsonl");
    if (!format.ok()) return format.status();
    if (*format != "jsonl" && *format != "csv") {
      return Status::invalid_argument("\"format\" must be jsonl or csv");
    }
    auto signed_ = optional_bool(args, "signed", true);
    if (!signed_.ok()) return signed_.status();
    ExportOptions options;
    options.format = *format == "csv" ? ExportFormat::kCsv : ExportFormat::kJsonl;
    for (auto [name, out] : {std::pair{"since_us", &options.since_us}, {"until_us", &options.until_us}}) {
      if (!args.contains(name) || args[name].is_null()) continue;
      auto v = optional_uint(args, name, 0, 0, std::uint64_t{1} << 62);
      if (!v.ok()) return v.status();
      *out = static_cast<std::int64_t>(*v);
    }
    // A page of a paged export names its seqs; the first page resolves since/until.
    for (auto [name, out] : {std::pair{"from_seq", &options.from_seq}, {"to_seq", &options.to_seq}}) {
      if (!args.contains(name) || args[name].is_null()) continue;
      auto v = optional_uint(args, name, 0, 1, std::uint64_t{1} << 62);
      if (!v.ok()) return v.status();
      *out = *v;
    }
    const bool paged = args.contains("limit");
    auto limit = optional_uint(args, "limit", kMaxRemoteExportRecords, 1, kMaxRemoteExportRecords);
    if (!limit.ok()) return limit.status();
    auto header = optional_bool(args, "header", true);
    if (!header.ok()) return header.status();
    auto range = resolve_export_range(log, options);
    if (!range.ok()) return range.status();
    if (!paged && !range->empty() && range->last - range->first + 1 > kMaxRemoteExportRecords) {
      return Status::invalid_argument(
          "the range holds " + std::to_string(range->last - range->first + 1) +
          " events, more than one remote export carries (" +
          std::to_string(kMaxRemoteExportRecords) + "); narrow it with --since/--until");
    }
    SeqRange page = *range;
    if (!page.empty()) page.last = std::min(page.last, page.first + *limit - 1);
    const bool last_page = page.last >= range->last;
    auto range_first = optional_uint(args, "range_first", page.first, 1, page.first);
    if (!range_first.ok()) return range_first.status();
    options.since_us.reset();
    options.until_us.reset();
    options.from_seq = page.first;
    options.to_seq = page.last;
    options.header = *header;
    // A later page checks its link to the page before; the last page of a signed export
    // checks the whole export's chain, since its checkpoint signs all of it.
    if (!page.empty() && *range_first < page.first) {
      options.chain_from = last_page && *signed_ ? *range_first : page.first - 1;
    }
    std::optional<CheckpointKey> key;
    if (*signed_ && last_page) {
      auto loaded = load_or_create_key(data_dir);
      if (!loaded.ok()) return loaded.status();
      key.emplace(std::move(loaded).value());
      options.key = &*key;
      options.console = console_id;
    }
    std::ostringstream text;
    ExportSummary summary;
    if (Status s = export_log(log, options, text, &summary); !s.is_ok()) return s;
    return json{{"text", text.str()},
                {"records", summary.records},
                {"first_seq", summary.range.first},
                {"last_seq", summary.range.last},
                {"next_seq", last_page ? std::uint64_t{0} : page.last + 1},
                {"range_last", range->last},
                {"first_prev_hash", to_hex(summary.first_prev_hash)},
                {"last_hash", to_hex(summary.head_hash)},
                {"signed", summary.signed_}};
  });
}

}  // namespace distsync
