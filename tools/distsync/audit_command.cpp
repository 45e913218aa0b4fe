// `distsync export` and `distsync verify`: the auditor's commands (docs/audit.md). Both read
// the data dir's LMDB log directly, read-only, so they work with or without a running daemon
// and an export streams in constant memory. With a tcp:// endpoint (a remote console, an
// auditor's key) the export comes over the control endpoint instead ("audit.export"), page by
// page, so any size exports. Exports are signed with the console's checkpoint key under
// <data_dir>/keys (created on first use).
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>

#include "events/audit/export.h"
#include "events/audit/verify.h"
#include "events/log/lmdb_event_log.h"
#include "tools/distsync/cli_context.h"
#include "tools/distsync/cli_time.h"

namespace distsync {
namespace {

struct ExportFlags {
  std::string format = "jsonl";
  std::optional<std::string> since, until, output;
  bool unsigned_ = false;
  std::uint64_t page_records = 100000;  // remote only
};

struct VerifyFlags {
  std::string file;
  std::string format = "auto";
  std::optional<std::string> public_key;
  bool against_log = false;
};

Result<std::unique_ptr<LmdbEventLog>> open_log(const DaemonConfig& config) {
  std::error_code ec;
  if (!std::filesystem::exists(config.log_dir + "/data.mdb", ec)) {
    return Status::not_found("no event log at " + config.log_dir + "; is --data-dir right?");
  }
  LmdbLogOptions options;
  options.dir = config.log_dir;
  options.console = config.console_id;
  return LmdbEventLog::open(options);
}

// Writes what `produce` writes to `output` (beside it, then renamed, so a failed export
// leaves no half file behind), or to stdout.
Status write_export(CliContext& ctx, const std::optional<std::string>& output,
                    const std::function<Status(std::ostream&)>& produce) {
  if (!output) return produce(ctx.out());
  const std::string tmp = *output + ".partial";
  Status s;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::io_error("cannot write " + tmp);
    s = produce(out);
    out.flush();
    if (s.is_ok() && !out) s = Status::io_error("writing " + tmp + " failed (disk full?)");
  }
  std::error_code ec;
  if (s.is_ok()) std::filesystem::rename(tmp, *output, ec);
  if (s.is_ok() && ec) s = Status::io_error("cannot rename " + tmp + ": " + ec.message());
  if (!s.is_ok()) std::filesystem::remove(tmp, ec);
  return s;
}

void report_export(const ExportFlags& f, const ExportSummary& summary) {
  if (!f.output) return;
  std::cerr << "exported " << summary.records << " events";
  if (!summary.range.empty())
    std::cerr << " (seq " << summary.range.first << "-" << summary.range.last << ")";
  std::cerr << (summary.signed_ ? ", signed" : ", unsigned") << " to " << *f.output << "\n";
}

// A console reached over tcp:// exports through the "audit.export" op, signed by its own key,
// in pages of f.page_records events (each well below what one reply may carry), written as
// they come. The file is what a local export writes: one CSV header, the records, one
// checkpoint (on the last page, signing the whole range). Each page must start where the
// one before ended and link to its last hash, or the export stops and leaves no file.
int run_remote_export(CliContext& ctx, const ExportFlags& f, const ExportOptions& options) {
  nlohmann::json first_args = {{"format", f.format}, {"signed", !f.unsigned_},
                               {"limit", f.page_records}};
  if (options.since_us) first_args["since_us"] = *options.since_us;
  if (options.until_us) first_args["until_us"] = *options.until_us;
  ExportSummary summary;
  Status s = write_export(ctx, f.output, [&](std::ostream& out) -> Status {
    nlohmann::json args = first_args;
    std::string last_hash;
    std::uint64_t expected_first = 0, range_first = 0, range_last = 0;
    for (bool first_page = true;; first_page = false) {
      auto reply = ctx.request("audit.export", args);
      if (!reply.ok()) return reply.status();
      const auto page_first = reply->value("first_seq", std::uint64_t{1});
      const auto page_last = reply->value("last_seq", std::uint64_t{0});
      const auto records = reply->value("records", std::uint64_t{0});
      const auto next = reply->value("next_seq", std::uint64_t{0});
      if (first_page) {
        range_first = page_first;
        range_last = reply->value("range_last", page_last);
        summary.range = {range_first, range_last};
      } else if (page_first != expected_first ||
                 reply->value("first_prev_hash", "") != last_hash) {
        return Status::corruption("export page at seq " + std::to_string(page_first) +
                                  " does not chain to the page before it (which ended at seq " +
                                  std::to_string(expected_first - 1) + ")");
      }
      out << reply->value("text", "");
      if (!out) return Status::io_error("export output could not be written");
      summary.records += records;
      summary.signed_ = reply->value("signed", false);
      if (next == 0) break;
      if (next != page_last + 1 || records == 0) {
        return Status::corruption("export page " + std::to_string(page_first) + "-" +
                                  std::to_string(page_last) + " names next seq " +
                                  std::to_string(next));
      }
      last_hash = reply->value("last_hash", "");
      expected_first = next;
      args = {{"format", f.format},   {"signed", !f.unsigned_}, {"limit", f.page_records},
              {"from_seq", next},     {"to_seq", range_last},   {"range_first", range_first},
              {"header", false}};
    }
    out.flush();
    return out ? Status::ok() : Status::io_error("export output could not be flushed");
  });
  if (!s.is_ok()) return ctx.fail(s);
  report_export(f, summary);
  return kExitOk;
}

int run_export(CliContext& ctx, const ExportFlags& f) {
  auto config = ctx.config();
  if (!config.ok()) return ctx.fail(config.status());
  const std::string zone = config->time_zone.empty() ? "UTC" : config->time_zone;
  ExportOptions options;
  options.format = f.format == "csv" ? ExportFormat::kCsv : ExportFormat::kJsonl;
  for (auto [flag, text, out] : {std::tuple{"--since", &f.since, &options.since_us},
                                 std::tuple{"--until", &f.until, &options.until_us}}) {
    if (!*text) continue;
    auto t = parse_cli_time(**text, zone);
    if (!t.ok()) throw CLI::ValidationError(flag, t.status().message());
    *out = *t;
  }
  if (ctx.remote()) return run_remote_export(ctx, f, options);
  auto log = open_log(*config);
  if (!log.ok()) return ctx.fail(log.status());
  std::optional<CheckpointKey> key;
  if (!f.unsigned_) {
    auto loaded = load_or_create_key(config->data_dir);
    if (!loaded.ok()) return ctx.fail(loaded.status());
    key.emplace(std::move(loaded).value());
    options.key = &*key;
    options.console = config->console_id;
  }
  ExportSummary summary;
  Status s = write_export(ctx, f.output,
                          [&](std::ostream& out) { return export_log(**log, options, out, &summary); });
  (*log)->close();
  if (!s.is_ok()) return ctx.fail(s);
  report_export(f, summary);
  return kExitOk;
}

int run_verify(CliContext& ctx, const VerifyFlags& f) {
  VerifyOptions options;
  if (f.public_key) {
    auto key = parse_public_key(*f.public_key);
    if (!key.ok()) throw CLI::ValidationError("--public-key", key.status().message());
    options.public_key = *key;
  }
  std::unique_ptr<LmdbEventLog> log;
  if (f.against_log) {
    auto config = ctx.config();
    if (!config.ok()) return ctx.fail(config.status());
    auto opened = open_log(*config);
    if (!opened.ok()) return ctx.fail(opened.status());
    log = std::move(opened).value();
    options.against_log = log.get();
  }
  std::ifstream in(f.file, std::ios::binary);
  if (!in) return ctx.fail(Status::not_found("cannot read " + f.file));
  const ExportFormat format = f.format == "jsonl" ? ExportFormat::kJsonl
                              : f.format == "csv" ? ExportFormat::kCsv
                                                  : ExportFormat::kAuto;
  VerifyReport report = verify_export(in, format, options);
  if (log) log->close();
  if (ctx.json()) {
    ctx.print_json_line({{"ok", report.ok()},
                         {"exit_code", report.exit_code()},
                         {"problem", problem_name(report.problem)},
                         {"line", report.line},
                         {"seq", report.seq},
                         {"detail", report.detail},
                         {"signature", signature_name(report.signature)},
                         {"signature_detail", report.signature_detail},
                         {"start_covered", report.start_covered},
                         {"start_detail", report.start_detail},
                         {"records", report.records},
                         {"first_seq", report.first_seq},
                         {"last_seq", report.last_seq},
                         {"head_hash", to_hex(report.head_hash)}});
  } else {
    ctx.out() << report.summary();
    if (!report.summary().ends_with('\n')) ctx.out() << "\n";
  }
  return report.exit_code();
}

}  // namespace

void register_audit_commands(CLI::App& app, CliContext& ctx) {
  auto ef = std::make_shared<ExportFlags>();
  auto* exp =
      app.add_subcommand("export", "export the event log for auditors (JSON Lines or CSV), signed");
  exp->add_option("--format", ef->format, "jsonl (default) or csv")
      ->check(CLI::IsMember({"jsonl", "csv"}));
  exp->add_option("--since", ef->since,
                  "from: ISO 8601, local \"YYYY-MM-DD HH:MM\" or an age like 7d");
  exp->add_option("--until", ef->until, "before: same forms as --since");
  exp->add_option("--output,-o", ef->output, "write to FILE instead of stdout");
  exp->add_flag("--unsigned", ef->unsigned_, "leave out the signed checkpoint");
  exp->add_option("--page-records", ef->page_records,
                  "remote only: events per reply (default 100000, at most 1000000)")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1'000'000}));
  exp->callback([&ctx, ef] { ctx.exit_code = run_export(ctx, *ef); });

  auto vf = std::make_shared<VerifyFlags>();
  auto* ver = app.add_subcommand(
      "verify",
      "verify an export: chain, signature, and with --against-log the live log; exit 0 intact");
  ver->add_option("file", vf->file, "the export")->required();
  ver->add_option("--format", vf->format, "auto (default), jsonl or csv")
      ->check(CLI::IsMember({"auto", "jsonl", "csv"}));
  ver->add_option("--public-key", vf->public_key,
                  "the console's key: 64 hex digits or a checkpoint.pub file");
  ver->add_flag("--against-log", vf->against_log,
                "also compare every record with this data dir's log");
  ver->callback([&ctx, vf] { ctx.exit_code = run_verify(ctx, *vf); });
}

}  // namespace distsync
