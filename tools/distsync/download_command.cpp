// `distsync refresh` (Refresh files, R9) and `distsync download patches|cancel|list|status|
// source|sources`: downloads to the console (ops download.*). With --wait the command follows
// the download to its end: a progress line redrawn in place on a terminal, plain lines
// otherwise; exit 0 when it completes, 1 with the reason when it fails.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "tools/distsync/cli_context.h"
#include "tools/distsync/human_units.h"

namespace distsync {
namespace {

using nlohmann::json;

constexpr auto kPollInterval = std::chrono::milliseconds(250);
constexpr auto kPlainLineInterval = std::chrono::seconds(2);

struct StartFlags {
  std::vector<std::string> only;
  bool wait = false;
};

// "dl-1 refresh  3/10 files  1.2 MiB/5.0 MiB  800.0 KiB/s  ETA 0:05"
std::string progress_line(const std::string& id, const json& d) {
  std::string line = id + " " + d.value("kind", "");
  if (!d.contains("progress")) return line + "  waiting to start";
  const json& p = d["progress"];
  if (p.value("files_total", 0) == 0 && p.value("bytes_total", 0) == 0) {
    return line + "  reading the source's manifest";
  }
  line += "  " + std::to_string(p.value("files_done", 0)) + "/" +
          std::to_string(p.value("files_total", 0)) + " files  " +
          human_bytes(p.value("bytes_done", 0.0)) + "/" + human_bytes(p.value("bytes_total", 0.0));
  double rate = p.value("bytes_per_second", 0.0);
  if (rate > 0) line += "  " + human_bytes(rate) + "/s";
  if (p.contains("eta_s") && p["eta_s"].is_number()) {
    line += "  ETA " + human_duration(p["eta_s"].get<std::int64_t>());
  }
  return line;
}

std::string summary(const std::string& id, const json& d) {
  return "download " + id + " (" + d.value("kind", "") +
         ") completed: " + std::to_string(d.value("files_fetched", 0)) + " fetched, " +
         std::to_string(d.value("files_skipped", 0)) + " already current, " +
         human_bytes(d.value("bytes_fetched", 0.0)) + " transferred";
}

int follow(CliContext& ctx, const std::string& id) {
  const bool tty = !ctx.json() && isatty(STDOUT_FILENO) && &ctx.out() == &std::cout;
  std::string last_line;
  auto last_print = std::chrono::steady_clock::time_point{};
  bool drawn = false;
  for (;;) {
    auto d = ctx.request("download.status", {{"id", id}});
    if (!d.ok()) return ctx.fail(d.status());
    std::string status = d->value("status", "");
    if (status != "running") {
      if (drawn) ctx.out() << "\n";
      if (ctx.json()) ctx.print_json_line(*d);
      if (status == "completed") {
        if (!ctx.json()) ctx.out() << summary(id, *d) << "\n";
        return kExitOk;
      }
      return ctx.fail(Status::unavailable("download " + id + " failed: " + d->value("reason", "")));
    }
    if (!ctx.json()) {
      std::string line = progress_line(id, *d);
      auto now = std::chrono::steady_clock::now();
      if (tty) {
        ctx.out() << "\r" << line << "\x1b[K" << std::flush;
        drawn = true;
      } else if (line != last_line && now - last_print >= kPlainLineInterval) {
        ctx.out() << line << "\n" << std::flush;
        last_line = line;
        last_print = now;
      }
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

int run_start(CliContext& ctx, const std::string& kind, const StartFlags& flags) {
  json args{{"kind", kind}};
  if (!flags.only.empty()) args["only"] = flags.only;
  auto started = ctx.request("download.start", args);
  if (!started.ok()) return ctx.fail(started.status());
  std::string id = started->value("download", "");
  if (!flags.wait) {
    if (ctx.json()) {
      ctx.print_json_line(*started);
    } else {
      ctx.out() << "download " << id << " (" << kind << ") started\n";
    }
    return kExitOk;
  }
  if (!ctx.json()) ctx.out() << "download " << id << " (" << kind << ") started\n" << std::flush;
  return follow(ctx, id);
}

void print_list(CliContext& ctx, const json& reply) {
  std::vector<std::vector<std::string>> rows{
      {"ID", "KIND", "STATUS", "STARTED", "FETCHED", "SKIPPED", "BYTES", "SOURCE / REASON"}};
  for (const json& d : reply.value("downloads", json::array())) {
    std::string status = d.value("status", "");
    std::string detail = status == "failed" ? d.value("reason", "") : d.value("source", "");
    if (status == "running" && d.contains("progress")) {
      const json& p = d["progress"];
      status += " " + std::to_string(p.value("files_done", 0)) + "/" +
                std::to_string(p.value("files_total", 0));
    }
    rows.push_back({d.value("id", ""), d.value("kind", ""), status,
                    format_time_us(d.value("started_us", std::int64_t{0})),
                    std::to_string(d.value("files_fetched", 0)),
                    std::to_string(d.value("files_skipped", 0)),
                    human_bytes(d.value("bytes_fetched", 0.0)), detail});
  }
  if (rows.size() == 1) {
    ctx.out() << "no downloads\n";
    return;
  }
  ctx.print_table(rows);
}

}  // namespace

void register_download_commands(CLI::App& app, CliContext& ctx) {
  auto refresh_flags = std::make_shared<StartFlags>();
  auto* refresh = app.add_subcommand(
      "refresh", "Refresh files: download the latest engines and definitions (R9)");
  refresh->add_flag("--wait", refresh_flags->wait, "follow the download to its end");
  refresh->callback(
      [&ctx, refresh_flags] { ctx.exit_code = run_start(ctx, "refresh", *refresh_flags); });

  auto* download = app.add_subcommand("download", "downloads to the console");
  download->require_subcommand(1);

  auto patch_flags = std::make_shared<StartFlags>();
  auto* patches = download->add_subcommand("patches", "download patches into the patch directory");
  patches->add_option("--only", patch_flags->only, "names or globs to fetch (default: all)");
  patches->add_flag("--wait", patch_flags->wait, "follow the download to its end");
  patches->callback(
      [&ctx, patch_flags] { ctx.exit_code = run_start(ctx, "patches", *patch_flags); });

  auto id = std::make_shared<std::string>();
  auto* cancel = download->add_subcommand("cancel", "cancel a running download");
  cancel->add_option("id", *id, "download id")->required();
  cancel->callback([&ctx, id] {
    ctx.exit_code = ctx.request("download.cancel", {{"id", *id}}, [&ctx](const json& r) {
      ctx.out() << "download " << r.value("cancelled", "") << " cancelled\n";
    });
  });

  auto all = std::make_shared<bool>(false);
  auto* list = download->add_subcommand("list", "running and recent downloads");
  list->add_flag("--all", *all, "every finished download, not only the recent ones");
  list->callback([&ctx, all] {
    ctx.exit_code = ctx.request("download.list", {{"all", *all}},
                               [&ctx](const json& r) { print_list(ctx, r); });
  });

  auto status_id = std::make_shared<std::string>();
  auto* status = download->add_subcommand("status", "one download, with live progress");
  status->add_option("id", *status_id, "download id")->required();
  status->callback([&ctx, status_id] {
    ctx.exit_code = ctx.request("download.status", {{"id", *status_id}}, [&](const json& d) {
      if (d.value("status", "") == "running") {
        ctx.out() << progress_line(*status_id, d) << "\n";
      } else if (d.value("status", "") == "completed") {
        ctx.out() << summary(*status_id, d) << "\n";
      } else {
        ctx.out() << "download " << *status_id << " failed: " << d.value("reason", "") << "\n";
      }
    });
  });

  auto kind = std::make_shared<std::string>();
  auto location = std::make_shared<std::string>();
  auto* source = download->add_subcommand(
      "source", "point a kind of download (refresh|patches) at a directory or URL");
  source->add_option("kind", *kind, "refresh or patches")
      ->required()
      ->check(CLI::IsMember({"refresh", "patches"}));
  source->add_option("location", *location, "absolute directory, file:// or http(s):// URL")
      ->required();
  source->callback([&ctx, kind, location] {
    ctx.exit_code = ctx.request("download.source", {{"kind", *kind}, {"source", *location}},
                               [&ctx](const json& r) {
                                 ctx.out() << r.value("kind", "") << " downloads now come from "
                                           << r.value("source", "") << "\n";
                               });
  });

  auto* sources = download->add_subcommand("sources", "where each kind of download comes from");
  sources->callback([&ctx] {
    ctx.exit_code = ctx.request("download.sources", json::object(), [&ctx](const json& r) {
      std::vector<std::vector<std::string>> rows{{"KIND", "SOURCE", "SET BY"}};
      for (const json& s : r.value("sources", json::array())) {
        std::string src = s.value("source", "");
        rows.push_back({s.value("kind", ""), src.empty() ? "-" : src, s.value("origin", "")});
      }
      ctx.print_table(rows);
    });
  });
}

}  // namespace distsync
