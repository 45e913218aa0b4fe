#include "daemon/handlers/audit_handlers.h"

#include <optional>
#include <sstream>

#include "daemon/handlers/request_args.h"
#include "events/audit/export.h"

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
    auto range = resolve_export_range(log, options);
    if (!range.ok()) return range.status();
    if (!range->empty() && range->last - range->first + 1 > kMaxRemoteExportRecords) {
      return Status::invalid_argument(
          "the range holds " + std::to_string(range->last - range->first + 1) +
          " events, more than one remote export carries (" +
          std::to_string(kMaxRemoteExportRecords) + "); narrow it with --since/--until");
    }
    std::optional<CheckpointKey> key;
    if (*signed_) {
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
                {"signed", summary.signed_}};
  });
}

}  // namespace distsync
